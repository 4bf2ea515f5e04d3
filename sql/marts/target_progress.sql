-- marts.target_progress: one row per target, with where it stands and whether it will be met.
-- Time is measured against as_of (the latest month with data), so a status never depends on the day the build ran.
CREATE SCHEMA IF NOT EXISTS marts;

CREATE OR REPLACE TABLE marts.target_progress AS
WITH known AS (
    SELECT t.target_id, c.period,
           CASE t.metric WHEN 'coverage_pct' THEN c.coverage_pct ELSE c.active_participants END::DOUBLE AS value
    FROM core.targets t
    JOIN marts.coverage c ON c.region_code = t.region_code AND c.segment = t.segment
    WHERE t.funding_source IS NULL
    UNION ALL
    -- A funder's target counts the workers its rosters insure in the region (every occupation).
    SELECT t.target_id, v.period, v.insured_workers::DOUBLE
    FROM core.targets t
    JOIN marts.vulnerable_workers v ON v.region_code = t.region_code AND v.funding_source = t.funding_source AND v.occupation = 'ALL'
    WHERE t.funding_source IS NOT NULL AND t.metric = 'active_participants'
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY target_id ORDER BY period DESC) AS recency,
           count(*) OVER (PARTITION BY target_id) AS months_with_data
    FROM known WHERE value IS NOT NULL
),
latest AS (
    SELECT target_id, period AS as_of, value AS current_value FROM ranked WHERE recency = 1
),
trend AS (
    -- Mean monthly change over the last three changes with data: (latest - fourth latest) / months between.
    SELECT l.target_id, (l.current_value - r.value) / date_diff('month', r.period, l.as_of) AS recent_monthly_change
    FROM latest l JOIN ranked r ON r.target_id = l.target_id AND r.recency = least(4, r.months_with_data) AND r.recency > 1
),
reached AS (
    SELECT t.target_id, min(k.period) AS reached_period
    FROM core.targets t JOIN ranked k USING (target_id)
    WHERE k.value >= t.target_value AND k.period <= t.deadline AND (t.baseline_period IS NULL OR k.period >= t.baseline_period)
    GROUP BY t.target_id
),
measured AS (
    SELECT
        t.*,
        b.value AS baseline_value,
        l.as_of,
        l.current_value,
        t.target_value - l.current_value AS gap,
        greatest(date_diff('month', l.as_of, t.deadline), 0) AS months_remaining,
        tr.recent_monthly_change,
        rc.reached_period
    FROM core.targets t
    LEFT JOIN known b ON b.target_id = t.target_id AND b.period = t.baseline_period
    LEFT JOIN latest l ON l.target_id = t.target_id
    LEFT JOIN trend tr ON tr.target_id = t.target_id
    LEFT JOIN reached rc ON rc.target_id = t.target_id
),
projected AS (
    SELECT *,
        CASE WHEN months_remaining > 0 THEN gap / months_remaining END AS required_monthly_change,
        current_value + recent_monthly_change * months_remaining AS projected_at_deadline
    FROM measured
)
SELECT
    p.target_id,
    p.region_code,
    r.region_name,
    p.segment,
    p.metric,
    p.funding_source,
    p.target_value,
    p.deadline,
    p.baseline_period,
    p.baseline_value,
    p.as_of,
    p.current_value,
    p.gap,
    p.months_remaining::INTEGER AS months_remaining,
    p.required_monthly_change,
    p.recent_monthly_change,
    p.projected_at_deadline,
    CASE
        WHEN p.current_value IS NULL THEN 'no_data'
        WHEN p.reached_period IS NOT NULL THEN 'achieved'
        WHEN p.deadline <= p.as_of THEN 'missed'
        WHEN p.projected_at_deadline >= p.target_value THEN 'on_track'
        WHEN p.projected_at_deadline >= 0.9 * p.target_value THEN 'at_risk'
        ELSE 'off_track'
    END AS status,
    p.reached_period,
    p.denominator,
    p.source
FROM projected p
JOIN ref.regions r USING (region_code)
ORDER BY p.target_id;

COMMENT ON TABLE marts.target_progress IS 'Progress towards every target in the registry: one row per target. Months are counted from as_of, the latest month with data for the target.';
COMMENT ON COLUMN marts.target_progress.target_id IS 'Identifier given in the target registry';
COMMENT ON COLUMN marts.target_progress.region_code IS 'Kemendagri code of the region';
COMMENT ON COLUMN marts.target_progress.region_name IS 'Official region name';
COMMENT ON COLUMN marts.target_progress.segment IS 'ALL | PU | BPU | JAKON | PMI';
COMMENT ON COLUMN marts.target_progress.metric IS 'coverage_pct (percent of the denominator in marts.coverage) | active_participants';
COMMENT ON COLUMN marts.target_progress.funding_source IS 'APBD | DBHCHT | CSR for a funder''s target, measured as the insured workers of its rosters in marts.vulnerable_workers; NULL for a coverage target';
COMMENT ON COLUMN marts.target_progress.target_value IS 'What was promised';
COMMENT ON COLUMN marts.target_progress.deadline IS 'First day of the deadline month';
COMMENT ON COLUMN marts.target_progress.baseline_period IS 'Month the target starts from';
COMMENT ON COLUMN marts.target_progress.baseline_value IS 'Value of the metric in baseline_period';
COMMENT ON COLUMN marts.target_progress.as_of IS 'Latest month with data for this target';
COMMENT ON COLUMN marts.target_progress.current_value IS 'Value of the metric at as_of';
COMMENT ON COLUMN marts.target_progress.gap IS 'target_value - current_value (negative when already above)';
COMMENT ON COLUMN marts.target_progress.months_remaining IS 'Months from as_of to the deadline; 0 once the deadline is reached';
COMMENT ON COLUMN marts.target_progress.required_monthly_change IS 'gap / months_remaining: the change per month still needed';
COMMENT ON COLUMN marts.target_progress.recent_monthly_change IS 'Mean monthly change over the last 3 months with data';
COMMENT ON COLUMN marts.target_progress.projected_at_deadline IS 'current_value + recent_monthly_change x months_remaining';
COMMENT ON COLUMN marts.target_progress.status IS 'achieved (reached on or before the deadline) | missed (deadline passed, not reached) | on_track (projection reaches the target) | at_risk (projection reaches 90%) | off_track | no_data';
COMMENT ON COLUMN marts.target_progress.reached_period IS 'First month, on or after the baseline and by the deadline, in which the target was reached';
COMMENT ON COLUMN marts.target_progress.denominator IS 'Denominator the target was stated against, as given in the registry';
COMMENT ON COLUMN marts.target_progress.source IS 'Who set the target, where and when';
