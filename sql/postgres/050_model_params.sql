-- Fitted BG/NBD models, newest first by fitted_at. Written by ./pulse fit-model; the live
-- retention job reads the newest row and uses it for p_alive and expected_purchases_30d.

CREATE TABLE IF NOT EXISTS model_params (
    id             bigserial        PRIMARY KEY,
    fitted_at      timestamptz      NOT NULL DEFAULT now(),
    as_of          timestamptz      NOT NULL,
    customers      integer          NOT NULL,
    r              double precision NOT NULL CHECK (r > 0),
    alpha_days     double precision NOT NULL CHECK (alpha_days > 0),
    a              double precision NOT NULL CHECK (a > 0),
    b              double precision NOT NULL CHECK (b > 0),
    log_likelihood double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS model_params_fitted_idx ON model_params (fitted_at DESC);

COMMENT ON TABLE model_params IS 'BG/NBD fits by maximum likelihood over every customer''s (frequency, recency, age); alpha in days.';
COMMENT ON COLUMN model_params.as_of IS 'The instant customers'' ages were measured at.';
COMMENT ON COLUMN model_params.log_likelihood IS 'Total log-likelihood of the fit, time measured in days.';
