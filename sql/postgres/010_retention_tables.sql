-- Retention serving tables, written by the retention job with idempotent upserts.
-- Instants are timestamptz, days are date, money is numeric(18,2) in the reporting currency.

CREATE TABLE IF NOT EXISTS user_retention (
    user_id                text             PRIMARY KEY,
    status                 text             NOT NULL
        CHECK (status IN ('new', 'active', 'at_risk', 'dormant', 'churned', 'resurrected')),
    activity_score         double precision NOT NULL,
    first_seen_at          timestamptz      NOT NULL,
    last_active_at         timestamptz      NOT NULL,
    acquisition_channel    text             NOT NULL,
    clicks                 bigint           NOT NULL,
    shares                 bigint           NOT NULL,
    purchases              bigint           NOT NULL,
    revenue                numeric(18, 2)   NOT NULL,
    frequency              integer,
    recency_days           integer,
    age_days               integer,
    p_alive                double precision,
    expected_purchases_30d double precision,
    risk_after_days        double precision NOT NULL,
    as_of                  timestamptz      NOT NULL
);
CREATE INDEX IF NOT EXISTS user_retention_status_idx ON user_retention (status, acquisition_channel);

COMMENT ON TABLE user_retention IS 'One row per user: retention status, activity and repeat-purchase figures as of as_of (see README).';
COMMENT ON COLUMN user_retention.status IS 'new, active, at_risk, dormant, churned or resurrected: the first rule that applies at as_of.';
COMMENT ON COLUMN user_retention.activity_score IS 'Sum of event weights (click 1, share 3, purchase 5) halved every 7 days, evaluated at as_of.';
COMMENT ON COLUMN user_retention.acquisition_channel IS 'Channel of the user''s first event.';
COMMENT ON COLUMN user_retention.revenue IS 'Sum of purchase amounts in the reporting currency.';
COMMENT ON COLUMN user_retention.frequency IS 'Distinct purchase days - 1 (lifetimes); null if never bought.';
COMMENT ON COLUMN user_retention.recency_days IS 'Days from first to last purchase day; null if never bought.';
COMMENT ON COLUMN user_retention.age_days IS 'Days from first purchase day to the as_of day; null if never bought.';
COMMENT ON COLUMN user_retention.p_alive IS 'BG/NBD probability that the customer is still alive; null if never bought.';
COMMENT ON COLUMN user_retention.expected_purchases_30d IS 'BG/NBD expected purchases in the 30 days after as_of; null if never bought.';
COMMENT ON COLUMN user_retention.risk_after_days IS 'Silence (days) after which this user counts as at risk: 14, or 3 x their mean gap clamped to [2, 30].';
COMMENT ON COLUMN user_retention.as_of IS 'The event-time instant this row describes.';

CREATE TABLE IF NOT EXISTS retention_transitions (
    user_id       text        NOT NULL,
    from_status   text,
    to_status     text        NOT NULL,
    transition_at timestamptz NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT retention_transitions_once UNIQUE (user_id, transition_at, to_status)
);
CREATE INDEX IF NOT EXISTS retention_transitions_at_idx ON retention_transitions (transition_at);
CREATE INDEX IF NOT EXISTS retention_transitions_recorded_idx ON retention_transitions (recorded_at);

COMMENT ON TABLE retention_transitions IS 'Append-only feed of status changes, each at the exact event-time instant it happened.';
COMMENT ON COLUMN retention_transitions.from_status IS 'Status before; null for the user''s first status.';
COMMENT ON COLUMN retention_transitions.recorded_at IS 'Wall-clock time the row arrived; poll on it to trigger campaigns.';

CREATE TABLE IF NOT EXISTS retention_cohorts (
    cohort_day          date        NOT NULL,
    acquisition_channel text        NOT NULL,
    day_n               integer     NOT NULL,
    active_users        bigint      NOT NULL,
    cohort_size         bigint      NOT NULL,
    as_of               timestamptz NOT NULL,
    PRIMARY KEY (cohort_day, acquisition_channel, day_n)
);

COMMENT ON TABLE retention_cohorts IS 'Live N-day retention: distinct users of each (first-activity day, channel) cohort active on cohort_day + day_n.';
COMMENT ON COLUMN retention_cohorts.as_of IS 'Event time of the newest activity counted in this row.';
