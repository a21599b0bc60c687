-- Per-user aggregates over the tables of tables.sql, as plain Flink SQL: the counts the retention
-- job keeps per user, without its rules (no dedup of event ids, no validation, no currency
-- conversion, no lateness cut-off): see README.md beside this file.

-- Calendar days in UTC, the jobs' default --time-zone.
SET 'table.local-time-zone' = 'UTC';
-- Results printed as rows (the only mode of sql-client.sh -f; ignored outside the SQL client).
SET 'sql-client.execution.result-mode' = 'tableau';

-- Every event of the three topics, one row each. The CAST makes event_time a plain timestamp, not
-- the tables' time attribute: in batch mode (SET 'execution.runtime-mode' = 'batch') Flink 2.2's
-- planner refuses a UNION ALL of time attributes ("failed to preserve datatypes"); nothing below
-- uses it as a time attribute.
CREATE TEMPORARY VIEW user_activity AS
  SELECT user_id, CAST(event_time AS TIMESTAMP_LTZ(3)) AS event_time,
         CAST(1 AS BIGINT) AS clicks, CAST(0 AS BIGINT) AS shares,
         CAST(0 AS BIGINT) AS purchases, CAST(0 AS DECIMAL(18, 2)) AS amount
  FROM clicks
  UNION ALL
  SELECT user_id, CAST(event_time AS TIMESTAMP_LTZ(3)), 0, 1, 0, 0
  FROM shares
  UNION ALL
  SELECT user_id, CAST(event_time AS TIMESTAMP_LTZ(3)), 0, 0, 1, amount
  FROM purchases;

-- Per user: lifetime counts, revenue, first and last activity, distinct active days.
SELECT
  user_id,
  SUM(clicks)                               AS clicks,
  SUM(shares)                               AS shares,
  SUM(purchases)                            AS purchases,
  CAST(SUM(amount) AS DECIMAL(18, 2))       AS revenue,
  MIN(event_time)                           AS first_seen_at,
  MAX(event_time)                           AS last_active_at,
  COUNT(DISTINCT CAST(event_time AS DATE))  AS active_days
FROM user_activity
GROUP BY user_id;

-- Activity per user and day.
SELECT
  user_id,
  CAST(event_time AS DATE)                  AS `day`,
  SUM(clicks)                               AS clicks,
  SUM(shares)                               AS shares,
  SUM(purchases)                            AS purchases,
  CAST(SUM(amount) AS DECIMAL(18, 2))       AS revenue
FROM user_activity
GROUP BY user_id, CAST(event_time AS DATE);
