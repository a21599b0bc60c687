-- PostgreSQL, not Flink SQL: the tables that postgres_sinks.sql writes the two results of
-- per_user_aggregates.sql into. Apply with psql before running the queries into them.

CREATE TABLE IF NOT EXISTS sql_user_totals (
    user_id        text PRIMARY KEY,
    clicks         bigint,
    shares         bigint,
    purchases      bigint,
    revenue        numeric(18, 2),
    first_seen_at  timestamp, -- UTC
    last_active_at timestamp, -- UTC
    active_days    bigint
);

CREATE TABLE IF NOT EXISTS sql_user_days (
    user_id   text NOT NULL,
    day       date NOT NULL,
    clicks    bigint,
    shares    bigint,
    purchases bigint,
    revenue   numeric(18, 2),
    PRIMARY KEY (user_id, day)
);
