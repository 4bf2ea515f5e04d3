-- marts.target_progress: one row per target, with where it stands, whether it will be met, and what meeting it takes.
-- Time is measured against as_of (the latest month with data), so a status never depends on the day the build ran.
-- One trend model gives the projection, its 80% range, the probability and the status, so they cannot disagree: a
-- least-squares line through the last 12 months with data (two months: the line through both, no range; one month:
-- flat). Its value at the deadline is the projection; the status compares that projection with the target, and the
-- probability is the chance, under the line's normal errors, that the deadline value reaches it.
WITH known AS (
    -- value: the target's metric; people: the participants behind it (what a planner has to enrol).
    SELECT target_id, period, value, people, workforce FROM {{ ref('target_series') }}
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY target_id ORDER BY period DESC) AS recency,
           count(*) OVER (PARTITION BY target_id) AS months_with_data
    FROM known WHERE value IS NOT NULL
),
latest AS (
    SELECT target_id, period AS as_of, value AS current_value, people AS current_people, workforce FROM ranked WHERE recency = 1
),
trend AS (
    -- Mean monthly change over the last three changes with data: (latest - fourth latest) / months between.
    SELECT l.target_id,
           (l.current_value - r.value) / date_diff('month', r.period, l.as_of) AS recent_monthly_change,
           (l.current_people - r.people) / date_diff('month', r.period, l.as_of) AS recent_monthly_people
    FROM latest l JOIN ranked r ON r.target_id = l.target_id AND r.recency = least(4, r.months_with_data) AND r.recency > 1
),
fit AS (
    -- A least-squares line through the last 12 months with data (x = months since the first of them), for a range.
    SELECT target_id, min(period) AS first_period, count(*) AS fit_months,
           regr_intercept(value, x) AS intercept, regr_slope(value, x) AS slope, avg(x) AS x_mean, regr_sxx(value, x) AS sxx,
           sqrt(greatest(regr_syy(value, x) - regr_sxy(value, x) ^ 2 / nullif(regr_sxx(value, x), 0), 0) / nullif(count(*) - 2, 0)) AS residual_sd
    FROM (SELECT *, date_diff('month', min(period) OVER (PARTITION BY target_id), period) AS x FROM ranked WHERE recency <= 12)
    GROUP BY target_id
),
reached AS (
    SELECT t.target_id, min(k.period) AS reached_period
    FROM {{ ref('targets') }} t JOIN ranked k USING (target_id)
    WHERE k.value >= t.target_value AND k.period <= t.deadline AND (t.baseline_period IS NULL OR k.period >= t.baseline_period)
    GROUP BY t.target_id
),
committed AS (
    -- What a funder's target has cost so far: the contributions its rosters owe in the region, baseline to as_of.
    SELECT t.target_id, sum(v.contribution_idr) AS committed_idr
    FROM {{ ref('targets') }} t
    JOIN {{ ref('vulnerable_workers') }} v ON v.region_code = t.region_code AND v.funding_source = t.funding_source AND v.occupation = 'ALL'
    JOIN latest l ON l.target_id = t.target_id
    WHERE v.period <= l.as_of AND (t.baseline_period IS NULL OR v.period >= t.baseline_period)
    GROUP BY t.target_id
),
measured AS (
    SELECT
        t.*,
        b.value AS baseline_value,
        l.as_of,
        l.current_value,
        l.current_people,
        l.workforce,
        t.target_value - l.current_value AS gap,
        greatest(date_diff('month', l.as_of, t.deadline), 0) AS months_remaining,
        tr.recent_monthly_change,
        tr.recent_monthly_people,
        rc.reached_period,
        f.fit_months,
        -- The line at the deadline; one month of data is a flat line at it.
        CASE WHEN f.fit_months >= 2 THEN f.intercept + f.slope * date_diff('month', f.first_period, t.deadline) ELSE l.current_value END AS trend_at_deadline,
        f.residual_sd * sqrt(1 + 1 / f.fit_months + (date_diff('month', f.first_period, t.deadline) - f.x_mean) ^ 2 / nullif(f.sxx, 0)) AS trend_error,
        c.committed_idr,
        {{ bpu_contribution('l.as_of') }} AS monthly_rate_idr
    FROM {{ ref('targets') }} t
    LEFT JOIN known b ON b.target_id = t.target_id AND b.period = t.baseline_period
    LEFT JOIN latest l ON l.target_id = t.target_id
    LEFT JOIN trend tr ON tr.target_id = t.target_id
    LEFT JOIN reached rc ON rc.target_id = t.target_id
    LEFT JOIN fit f ON f.target_id = t.target_id
    LEFT JOIN committed c ON c.target_id = t.target_id
),
judged AS (
    SELECT *,
        CASE
            WHEN current_value IS NULL THEN 'no_data'
            WHEN reached_period IS NOT NULL THEN 'achieved'
            WHEN deadline <= as_of THEN 'missed'
            WHEN trend_at_deadline >= target_value THEN 'on_track'
            WHEN trend_at_deadline >= 0.9 * target_value THEN 'at_risk'
            ELSE 'off_track'
        END AS status,
        -- People behind the target level at as_of: a coverage target in participants of the denominator then.
        CASE WHEN current_people IS NOT NULL THEN greatest(CASE metric WHEN 'coverage_pct' THEN ceil(target_value / 100 * workforce) ELSE target_value END - current_people, 0) END AS shortfall
    FROM measured
),
projected AS (
    SELECT *,
        status IN ('on_track', 'at_risk', 'off_track') AS is_open,
        CASE WHEN status IN ('on_track', 'at_risk', 'off_track') THEN gap / months_remaining END AS required_monthly_change,
        CASE WHEN status IN ('on_track', 'at_risk', 'off_track') THEN trend_at_deadline END AS projected_at_deadline,
        CASE WHEN status IN ('on_track', 'at_risk', 'off_track') THEN shortfall END AS people_needed,
        -- The range only where the line has an error (3+ months) and the target is still open.
        CASE WHEN status IN ('on_track', 'at_risk', 'off_track') AND fit_months >= 3 AND trend_error IS NOT NULL THEN trend_error END AS open_error
    FROM judged
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
    p.status,
    CASE WHEN p.open_error IS NOT NULL THEN p.trend_at_deadline END AS trend_at_deadline,
    p.trend_at_deadline - 1.2816 * p.open_error AS trend_low_80,
    p.trend_at_deadline + 1.2816 * p.open_error AS trend_high_80,
    CASE
        -- A closed target (achieved, missed) or one without a line has no chance to state.
        WHEN NOT p.is_open OR p.open_error IS NULL THEN NULL
        WHEN p.open_error = 0 THEN (p.trend_at_deadline >= p.target_value)::DOUBLE
        -- P(value at deadline >= target) under the trend line's normal error; 1/(1+exp(-1.702 z)) approximates Phi(z) within 0.01.
        ELSE 1 / (1 + exp(-1.702 * (p.trend_at_deadline - p.target_value) / p.open_error))
    END AS probability_reaching,
    p.workforce::BIGINT AS workforce_at_as_of,
    p.current_people::BIGINT AS current_participants,
    p.people_needed::BIGINT AS participants_needed,
    -- For a closed target: how far below the target level it stands now, under its own name (not "still needed").
    CASE WHEN NOT p.is_open THEN p.shortfall END::BIGINT AS below_target_participants,
    CASE WHEN p.is_open THEN p.people_needed / p.months_remaining END AS required_monthly_participants,
    p.recent_monthly_people AS recent_monthly_participants,
    p.monthly_rate_idr,
    -- Enrolling the people needed evenly until the deadline: one enrolled in month k of M is paid M - k + 1 months.
    CASE WHEN p.is_open THEN round(p.people_needed * (p.months_remaining + 1) / 2 * p.monthly_rate_idr) END::BIGINT AS cost_to_deadline_idr,
    CASE WHEN p.is_open THEN p.people_needed * 12 * p.monthly_rate_idr END::BIGINT AS cost_year_after_deadline_idr,
    p.committed_idr::BIGINT AS committed_idr,
    p.budget_idr,
    p.budget_idr - p.committed_idr AS budget_remaining_idr,
    p.reached_period,
    p.denominator,
    p.source
FROM projected p
JOIN {{ source('ref', 'regions') }} r USING (region_code)
ORDER BY p.target_id
