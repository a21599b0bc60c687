-- Views for marketers. They read only the serving tables, so they are as live as the tables.

-- At-risk customers worth winning back: they have bought before, most valuable first.
CREATE OR REPLACE VIEW winback_candidates AS
SELECT user_id,
       acquisition_channel,
       last_active_at,
       risk_after_days,
       purchases,
       revenue,
       round(revenue / NULLIF(purchases, 0), 2)                              AS avg_order_value,
       p_alive,
       expected_purchases_30d,
       round((expected_purchases_30d * revenue / NULLIF(purchases, 0))::numeric, 2) AS expected_revenue_30d,
       activity_score,
       as_of
FROM user_retention
WHERE status = 'at_risk'
  AND purchases > 0
ORDER BY revenue DESC, expected_purchases_30d DESC NULLS LAST, user_id;

COMMENT ON VIEW winback_candidates IS 'At-risk users who have bought, by lifetime revenue (then expected purchases, then user_id).';

-- How many users of each acquisition channel are in each status.
CREATE OR REPLACE VIEW status_by_channel AS
SELECT acquisition_channel,
       status,
       count(*)     AS users,
       sum(revenue) AS revenue
FROM user_retention
GROUP BY acquisition_channel, status;

-- Cohort curves as percentages of the cohort.
CREATE OR REPLACE VIEW cohort_retention_pct AS
SELECT cohort_day,
       acquisition_channel,
       day_n,
       active_users,
       cohort_size,
       round(100.0 * active_users / NULLIF(cohort_size, 0), 2) AS retention_pct
FROM retention_cohorts;
