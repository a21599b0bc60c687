-- Word-of-mouth serving tables, written by the reach job with idempotent upserts.

CREATE TABLE IF NOT EXISTS wom_reach (
    user_id            text           PRIMARY KEY,
    shares             bigint         NOT NULL,
    direct_reach       bigint         NOT NULL,
    acquired_users     bigint         NOT NULL,
    cascade_reach      bigint         NOT NULL,
    cascade_depth      integer        NOT NULL,
    referred_purchases bigint         NOT NULL,
    referred_revenue   numeric(18, 2) NOT NULL,
    acquired_revenue   numeric(18, 2) NOT NULL,
    acquired_by        text,
    as_of              timestamptz    NOT NULL
);
CREATE INDEX IF NOT EXISTS wom_reach_cascade_idx ON wom_reach (cascade_reach DESC, acquired_revenue DESC, user_id);

COMMENT ON TABLE wom_reach IS 'One row per sharer: how far their shares spread and what followed (see README, Word of mouth).';
COMMENT ON COLUMN wom_reach.direct_reach IS 'Distinct users who clicked or bought through any of this user''s shares.';
COMMENT ON COLUMN wom_reach.acquired_users IS 'Users whose very first event came through this user''s share.';
COMMENT ON COLUMN wom_reach.cascade_reach IS 'Users in this user''s acquisition subtree, down to max_depth (10) levels.';
COMMENT ON COLUMN wom_reach.cascade_depth IS 'Deepest level of the acquisition subtree reached (at most max_depth).';
COMMENT ON COLUMN wom_reach.referred_purchases IS 'Purchases attributed to this user: through their share, or within 7 days after a touch of it.';
COMMENT ON COLUMN wom_reach.acquired_revenue IS 'All revenue, ever, of the users this user acquired directly.';
COMMENT ON COLUMN wom_reach.acquired_by IS 'Who acquired this user; null if organic.';

CREATE TABLE IF NOT EXISTS wom_daily (
    day          date             NOT NULL,
    channel      text             NOT NULL,
    sharers      bigint           NOT NULL,
    shares       bigint           NOT NULL,
    touches      bigint           NOT NULL,
    acquisitions bigint           NOT NULL,
    k_factor     double precision,
    as_of        timestamptz      NOT NULL,
    PRIMARY KEY (day, channel)
);

COMMENT ON TABLE wom_daily IS 'K-factor per day and channel of the share: acquisitions through shares created that day / distinct sharers.';
