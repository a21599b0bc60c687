-- The two results of per_user_aggregates.sql as PostgreSQL tables (create them first with
-- postgres_results.sql), through Flink's JDBC connector: each result row is an upsert on the
-- primary key, and the rows of one key within a buffer flush are reduced to the newest, as the
-- retention job's sink does. Set the url and the credentials; the buffer settings are those of
-- the jobs' defaults (--sink-batch-size 5000, --flush-interval 1s). Instants are written as
-- TIMESTAMP(3) in UTC (the queries set 'table.local-time-zone' to UTC): Flink's JDBC connector
-- does not write TIMESTAMP_LTZ.
--
--   INSERT INTO user_totals_pg SELECT ... (the first query of per_user_aggregates.sql)
--   INSERT INTO user_days_pg   SELECT ... (the second)

CREATE TABLE user_totals_pg (
  user_id        STRING NOT NULL,
  clicks         BIGINT,
  shares         BIGINT,
  purchases      BIGINT,
  revenue        DECIMAL(18, 2),
  first_seen_at  TIMESTAMP(3),
  last_active_at TIMESTAMP(3),
  active_days    BIGINT,
  PRIMARY KEY (user_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://localhost:5432/pulse?reWriteBatchedInserts=true',
  'table-name' = 'sql_user_totals',
  'username' = 'pulse',
  'password' = 'change-me',
  'sink.buffer-flush.max-rows' = '5000',
  'sink.buffer-flush.interval' = '1s'
);

CREATE TABLE user_days_pg (
  user_id   STRING NOT NULL,
  `day`     DATE NOT NULL,
  clicks    BIGINT,
  shares    BIGINT,
  purchases BIGINT,
  revenue   DECIMAL(18, 2),
  PRIMARY KEY (user_id, `day`) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://localhost:5432/pulse?reWriteBatchedInserts=true',
  'table-name' = 'sql_user_days',
  'username' = 'pulse',
  'password' = 'change-me',
  'sink.buffer-flush.max-rows' = '5000',
  'sink.buffer-flush.interval' = '1s'
);
