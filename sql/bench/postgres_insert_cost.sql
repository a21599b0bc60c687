-- What PostgreSQL alone takes to write the rows of one live run of the bench's main workload
-- (200,000 events): its 78,215 transitions and 60,000 user_retention rows (20,000 users' first
-- rows, then two upserts each), with the tables' own DDL and conflict clauses, each step one
-- INSERT ... SELECT from generate_series, so no client, network or driver is in the timings.
-- The README's Performance section ("What PostgreSQL alone takes of that") quotes its timings.
--
--   createdb pulse_cost && psql -d pulse_cost -f sql/bench/postgres_insert_cost.sql
--
-- Run it on an empty database: it creates the retention tables and fills them.
\set ON_ERROR_STOP on
\ir ../postgres/010_retention_tables.sql
\timing on
-- 78,215 transitions, about 4 per user of 20,000: the main workload's live run
INSERT INTO retention_transitions (user_id, from_status, to_status, transition_at)
SELECT 'u-' || lpad((g % 20000)::text, 6, '0'), CASE WHEN g < 20000 THEN NULL ELSE 'active' END,
       (ARRAY['new','active','at_risk','dormant'])[1 + g / 20000], timestamptz '2025-01-01' + g * interval '37 seconds'
FROM generate_series(0, 78214) g
ON CONFLICT ON CONSTRAINT retention_transitions_once DO NOTHING;
-- user_retention: 20,000 users' first rows, then two more rows each (upserts), 60,000 in all
INSERT INTO user_retention SELECT 'u-' || lpad(g::text, 6, '0'), 'active', 1.5, timestamptz '2025-01-01', timestamptz '2025-01-02', 'web',
  3, 1, 1, 12.50, 0, 0, 1, 0.9, 0.4, 14, timestamptz '2025-01-02' FROM generate_series(0, 19999) g
ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, activity_score = EXCLUDED.activity_score, last_active_at = EXCLUDED.last_active_at,
  clicks = EXCLUDED.clicks, revenue = EXCLUDED.revenue, as_of = EXCLUDED.as_of WHERE user_retention.as_of <= EXCLUDED.as_of;
INSERT INTO user_retention SELECT 'u-' || lpad(g::text, 6, '0'), 'at_risk', 2.5, timestamptz '2025-01-01', timestamptz '2025-01-03', 'web',
  4, 1, 1, 12.50, 0, 0, 1, 0.9, 0.4, 14, timestamptz '2025-01-03' FROM generate_series(0, 19999) g
ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, activity_score = EXCLUDED.activity_score, last_active_at = EXCLUDED.last_active_at,
  clicks = EXCLUDED.clicks, revenue = EXCLUDED.revenue, as_of = EXCLUDED.as_of WHERE user_retention.as_of <= EXCLUDED.as_of;
INSERT INTO user_retention SELECT 'u-' || lpad(g::text, 6, '0'), 'dormant', 3.5, timestamptz '2025-01-01', timestamptz '2025-01-04', 'web',
  5, 1, 1, 12.50, 0, 0, 1, 0.9, 0.4, 14, timestamptz '2025-01-04' FROM generate_series(0, 19999) g
ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, activity_score = EXCLUDED.activity_score, last_active_at = EXCLUDED.last_active_at,
  clicks = EXCLUDED.clicks, revenue = EXCLUDED.revenue, as_of = EXCLUDED.as_of WHERE user_retention.as_of <= EXCLUDED.as_of;
