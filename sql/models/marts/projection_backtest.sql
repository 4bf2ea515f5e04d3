-- marts.projection_backtest: the trend model of marts.target_progress tried on every target series' own history. From
-- each month with 3+ months of data (the origin), the least-squares line through the last 12 of them is extended to
-- every later month with data up to 36 months on, and compared with what came. The 80% range each forecast would
-- have had is made only from the errors known at its origin (forecasts whose month had passed), so `within_80`
-- measures how often a range given on that day held, not how well the errors fit themselves.
WITH series AS (
    -- A series is what targets are measured on; two targets on the same region, segment and metric share one.
    SELECT DISTINCT concat_ws(' | ', t.region_code, t.segment, t.metric, t.funding_source) AS series_key,
           t.region_code, t.segment, t.metric, t.funding_source, s.period, s.value,
           date_diff('month', DATE '2000-01-01', s.period) AS x
    FROM {{ ref('target_series') }} s
    JOIN {{ ref('targets') }} t USING (target_id)
    WHERE s.value IS NOT NULL
),
lines AS (
    SELECT *, period AS origin, value AS origin_value,
           regr_slope(value, x) OVER last_12 AS slope, regr_intercept(value, x) OVER last_12 AS intercept,
           count(*) OVER last_12 AS fit_months
    FROM series
    WINDOW last_12 AS (PARTITION BY series_key ORDER BY period ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
),
forecasts AS (
    SELECT l.series_key, l.region_code, l.segment, l.metric, l.funding_source, l.origin, l.origin_value,
           a.period, date_diff('month', l.origin, a.period) AS horizon,
           l.intercept + l.slope * a.x AS predicted, a.value AS actual,
           -- Errors relative to the series' level at the origin, so that people and percentages pool.
           (a.value - (l.intercept + l.slope * a.x)) / nullif(abs(l.origin_value), 0) AS relative_error
    FROM lines l
    JOIN series a ON a.series_key = l.series_key AND a.period > l.origin AND a.period <= l.origin + INTERVAL 36 MONTH
    WHERE l.fit_months >= 3
),
known_errors AS (
    -- For each horizon and month: the size that 80% of the errors at that horizon known by then stayed within. Sizes,
    -- not signs: a series' next turn may go either way (on the demo, signed 10th-90th percentiles held 69%, sizes 80%).
    SELECT DISTINCT horizon, period AS known_by,
           quantile_cont(abs(relative_error), 0.8) OVER known AS error_80,
           count(relative_error) OVER known AS errors_known
    FROM forecasts
    WINDOW known AS (PARTITION BY horizon ORDER BY period RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
ranged AS (
    SELECT f.*, k.errors_known,
           CASE WHEN k.errors_known >= {{ projection_min_errors() }} THEN
               f.predicted - greatest(k.error_80, {{ projection_min_half_width() }}) * abs(f.origin_value) END AS low_80,
           CASE WHEN k.errors_known >= {{ projection_min_errors() }} THEN
               f.predicted + greatest(k.error_80, {{ projection_min_half_width() }}) * abs(f.origin_value) END AS high_80
    FROM forecasts f
    ASOF LEFT JOIN known_errors k ON k.horizon = f.horizon AND f.origin >= k.known_by
)
SELECT series_key, region_code, segment, metric, funding_source, origin, horizon::INTEGER AS horizon, period,
       origin_value, predicted, actual, relative_error, low_80, high_80,
       coalesce(errors_known, 0)::INTEGER AS errors_known,
       CASE WHEN low_80 IS NOT NULL THEN actual BETWEEN low_80 AND high_80 END AS within_80
FROM ranged
ORDER BY series_key, origin, horizon
