-- Opinion leaders: the sharers whose shares grew the deepest and widest trees.
CREATE OR REPLACE VIEW top_influencers AS
SELECT row_number() OVER (ORDER BY cascade_reach DESC, acquired_revenue DESC, user_id) AS position,
       user_id,
       cascade_reach,
       cascade_depth,
       acquired_users,
       direct_reach,
       acquired_revenue,
       referred_purchases,
       referred_revenue,
       shares,
       as_of
FROM wom_reach
WHERE cascade_reach > 0;

COMMENT ON VIEW top_influencers IS 'Sharers with a cascade, by cascade_reach, then acquired_revenue, then user_id.';

-- The fan ladder's levels. A user stands on the highest-ranked level whose minimums they all
-- meet; change a threshold with UPDATE, add a level with INSERT (this file never overwrites them).
CREATE TABLE IF NOT EXISTS fan_ladder_levels (
    level              text    PRIMARY KEY,
    rank               integer NOT NULL UNIQUE,
    min_purchases      bigint  NOT NULL DEFAULT 0,
    min_purchase_days  integer NOT NULL DEFAULT 0,
    min_direct_reach   bigint  NOT NULL DEFAULT 0,
    min_acquired_users bigint  NOT NULL DEFAULT 0,
    description        text
);
INSERT INTO fan_ladder_levels (level, rank, min_purchases, min_purchase_days, min_direct_reach, min_acquired_users, description)
VALUES ('visitor',         1, 0, 0, 0, 0, 'seen, never bought'),
       ('customer',        2, 1, 1, 0, 0, 'bought at least once'),
       ('repeat_customer', 3, 1, 2, 0, 0, 'bought on two or more days'),
       ('advocate',        4, 1, 1, 1, 0, 'a customer whose shares reached at least one other user'),
       ('superfan',        5, 1, 2, 1, 1, 'a repeat customer who brought in at least one new user')
ON CONFLICT (level) DO NOTHING;

-- Every user with their level: marketers find the fans who both buy and spread the word.
CREATE OR REPLACE VIEW fan_ladder AS
SELECT r.user_id,
       l.level,
       l.rank                         AS level_rank,
       r.status,
       r.purchases,
       coalesce(r.frequency + 1, 0)   AS purchase_days,
       r.revenue,
       coalesce(w.shares, 0)          AS shares,
       coalesce(w.direct_reach, 0)    AS direct_reach,
       coalesce(w.acquired_users, 0)  AS acquired_users,
       coalesce(w.cascade_reach, 0)   AS cascade_reach,
       coalesce(w.acquired_revenue, 0) AS acquired_revenue
FROM user_retention r
LEFT JOIN wom_reach w USING (user_id)
CROSS JOIN LATERAL (
    SELECT f.level, f.rank
    FROM fan_ladder_levels f
    WHERE r.purchases >= f.min_purchases
      AND coalesce(r.frequency + 1, 0) >= f.min_purchase_days
      AND coalesce(w.direct_reach, 0) >= f.min_direct_reach
      AND coalesce(w.acquired_users, 0) >= f.min_acquired_users
    ORDER BY f.rank DESC
    LIMIT 1) l;

COMMENT ON VIEW fan_ladder IS 'Each user''s level on the fan ladder (thresholds in fan_ladder_levels).';
