-- pulse_reader: reads every serving table and view, changes nothing. Give it to BI tools and
-- marketers: CREATE USER alice PASSWORD '...' IN ROLE pulse_reader;
-- Creating a role needs CREATEROLE; without it this file only grants to an existing role.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pulse_reader') THEN
        IF (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            CREATE ROLE pulse_reader NOLOGIN;
        ELSE
            RAISE NOTICE 'pulse_reader does not exist and % may not create roles: skipped', current_user;
            RETURN;
        END IF;
    END IF;
    GRANT USAGE ON SCHEMA public TO pulse_reader;
    GRANT SELECT ON user_retention, retention_transitions, retention_cohorts,
                    winback_candidates, status_by_channel, cohort_retention_pct,
                    wom_reach, wom_daily, top_influencers, fan_ladder_levels, fan_ladder, model_params TO pulse_reader;
END
$$;
