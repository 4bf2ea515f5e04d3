-- marts.target_progress: one row per target, with where it stands and whether it will be met.
-- Time is measured against as_of (the latest month with data), so a status never depends on the day the build ran.
WITH known AS (
    SELECT t.target_id, c.period,
           CASE t.metric WHEN 'coverage_pct' THEN c.coverage_pct ELSE c.active_participants END::DOUBLE AS value
    FROM {{ ref('targets') }} t
    JOIN {{ ref('coverage') }} c ON c.region_code = t.region_code AND c.segment = t.segment
    WHERE t.funding_source IS NULL
    UNION ALL
    -- A funder's target counts the workers its rosters insure in the region (every occupation).
    SELECT t.target_id, v.period, v.insured_workers::DOUBLE
    FROM {{ ref('targets') }} t
    JOIN {{ ref('vulnerable_workers') }} v ON v.region_code = t.region_code AND v.funding_source = t.funding_source AND v.occupation = 'ALL'
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
    FROM {{ ref('targets') }} t JOIN ranked k USING (target_id)
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
    FROM {{ ref('targets') }} t
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
JOIN {{ source('ref', 'regions') }} r USING (region_code)
ORDER BY p.target_id
