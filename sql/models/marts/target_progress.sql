-- marts.target_progress: one row per target, with where it stands, whether it will be met, and what meeting it takes.
-- Time is measured against as_of (the latest month with data), so a status never depends on the day the build ran.
-- One trend model gives the projection, its 80% range, the probability and the status, so they cannot disagree: a
-- least-squares line through the last 12 months with data (two months: the line through both; one month: flat). Its
-- value at the deadline is the projection. How far such a line strays is measured, not assumed: the range and the
-- chance come from the errors the same line made on every target series' history at the same horizon
-- (marts.projection_backtest), and the status comes from the chance (macros/projection.sql).
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
    -- A least-squares line through the last 12 months with data (x = months since the first of them).
    SELECT target_id, min(period) AS first_period, count(*) AS fit_months,
           regr_intercept(value, x) AS intercept, regr_slope(value, x) AS slope
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
        c.committed_idr,
        -- What share of the people needed is costed, and on what basis (README "Cost bases"): a BPU target at the BPU
        -- rate; an all-segment target in the BPU share of its participants at as_of; a wage earner's (PU, Jakon, PMI)
        -- contribution is a share of wages that employer and worker pay, not a regional budget line: left uncosted.
        CASE t.segment WHEN 'BPU' THEN 1.0 WHEN 'ALL' THEN bpu.active_participants / nullif(l.current_people, 0) END AS costed_share,
        CASE
            WHEN t.segment = 'BPU' THEN 'Iuran BPU JKK+JKM per pekerja per bulan (tarif di ref.contribution_rates) untuk setiap orang yang masih dibutuhkan'
            WHEN t.segment = 'ALL' AND bpu.active_participants IS NOT NULL THEN
                'Target semua segmen: kekurangan dibagi menurut porsi BPU di antara peserta pada ' || strftime(l.as_of, '%m/%Y')
                || ' (' || replace(round(100.0 * bpu.active_participants / nullif(l.current_people, 0), 1)::VARCHAR, '.', ',')
                || '%); hanya bagian BPU yang dihitung, dengan iuran BPU JKK+JKM. Bagian penerima upah tidak dihitung: iurannya persentase upah yang dibayar pemberi kerja dan pekerja, bukan belanja daerah'
            WHEN t.segment = 'ALL' THEN 'Tidak dihitung: porsi BPU di antara peserta wilayah ini tidak diketahui'
            ELSE 'Tidak dihitung: iuran penerima upah (PU, Jasa Konstruksi, PMI) adalah persentase upah yang dibayar pemberi kerja dan pekerja, bukan belanja daerah'
        END AS cost_basis,
        {{ bpu_contribution('l.as_of') }} AS monthly_rate_idr
    FROM {{ ref('targets') }} t
    LEFT JOIN known b ON b.target_id = t.target_id AND b.period = t.baseline_period
    LEFT JOIN latest l ON l.target_id = t.target_id
    LEFT JOIN trend tr ON tr.target_id = t.target_id
    LEFT JOIN reached rc ON rc.target_id = t.target_id
    LEFT JOIN fit f ON f.target_id = t.target_id
    LEFT JOIN committed c ON c.target_id = t.target_id
    LEFT JOIN {{ ref('coverage') }} bpu
           ON t.segment = 'ALL' AND t.funding_source IS NULL AND bpu.region_code = t.region_code AND bpu.period = l.as_of AND bpu.segment = 'BPU'
),
closed AS (
    SELECT *,
        CASE
            WHEN current_value IS NULL THEN 'no_data'
            WHEN reached_period IS NOT NULL THEN 'achieved'
            WHEN deadline <= as_of THEN 'missed'
        END AS closed_status,
        -- People behind the target level at as_of: a coverage target in participants of the denominator then.
        CASE WHEN current_people IS NOT NULL THEN greatest(CASE metric WHEN 'coverage_pct' THEN ceil(target_value / 100 * workforce) ELSE target_value END - current_people, 0) END AS shortfall
    FROM measured
),
error_horizons AS (
    -- Every horizon with enough errors measured so far, and the errors themselves (both ways: sizes, not signs).
    SELECT horizon, list(relative_error) || list(-relative_error) AS errors
    FROM {{ ref('projection_backtest') }}
    GROUP BY horizon
    HAVING count(*) >= {{ projection_min_errors() }}
),
chances AS (
    -- An open target with a line of 3+ months, at the horizon of its deadline; past the longest horizon measured, the
    -- errors of that longest horizon, scaled up in proportion (a trend's error grows with the months it runs on).
    SELECT c.target_id, e.horizon AS error_horizon, c.months_remaining / e.horizon AS error_scale, e.errors
    FROM closed c
    JOIN LATERAL (
        SELECT * FROM error_horizons WHERE horizon <= c.months_remaining ORDER BY horizon DESC LIMIT 1
    ) e ON true
    WHERE c.closed_status IS NULL AND c.fit_months >= 3 AND c.months_remaining > 0
),
ranged AS (
    SELECT c.*, ch.error_horizon,
        greatest(abs(c.current_value) * ch.error_scale * list_aggregate(list_transform(ch.errors, lambda e: abs(e)), 'quantile_cont', 0.8),
                 abs(c.current_value) * {{ projection_min_half_width() }}) AS half_range,
        -- The chance that the deadline value reaches the target: the share of the errors that would take the line
        -- there, counted as (k + 1) / (n + 2) so that a finite history never states 0% or 100%.
        (len(list_filter(ch.errors, lambda e: c.trend_at_deadline + e * ch.error_scale * abs(c.current_value) >= c.target_value)) + 1)
            / (len(ch.errors) + 2) AS probability
    FROM closed c
    LEFT JOIN chances ch USING (target_id)
),
projected AS (
    SELECT *,
        coalesce(closed_status, CASE WHEN probability IS NULL THEN 'not_projected' ELSE {{ status_from_probability('probability') }} END) AS status,
        closed_status IS NULL AS is_open,
        CASE WHEN closed_status IS NULL THEN gap / months_remaining END AS required_monthly_change,
        CASE WHEN closed_status IS NULL THEN trend_at_deadline END AS projected_at_deadline,
        CASE WHEN closed_status IS NULL THEN shortfall END AS people_needed
    FROM ranged
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
    CASE WHEN p.probability IS NOT NULL THEN p.trend_at_deadline END AS trend_at_deadline,
    CASE WHEN p.probability IS NOT NULL THEN p.trend_at_deadline - p.half_range END AS trend_low_80,
    CASE WHEN p.probability IS NOT NULL THEN p.trend_at_deadline + p.half_range END AS trend_high_80,
    p.probability AS probability_reaching,
    p.error_horizon::INTEGER AS error_horizon,
    p.workforce::BIGINT AS workforce_at_as_of,
    p.current_people::BIGINT AS current_participants,
    p.people_needed::BIGINT AS participants_needed,
    -- For a closed target: how far below the target level it stands now, under its own name (not "still needed").
    CASE WHEN NOT p.is_open THEN p.shortfall END::BIGINT AS below_target_participants,
    CASE WHEN p.is_open THEN p.people_needed / p.months_remaining END AS required_monthly_participants,
    p.recent_monthly_people AS recent_monthly_participants,
    CASE WHEN p.is_open THEN ceil(p.people_needed * p.costed_share) END::BIGINT AS costed_participants,
    CASE WHEN p.is_open THEN p.cost_basis END AS cost_basis,
    CASE WHEN p.is_open AND p.costed_share IS NOT NULL THEN p.monthly_rate_idr END AS monthly_rate_idr,
    -- Enrolling the people costed evenly until the deadline: one enrolled in month k of M is paid M - k + 1 months.
    CASE WHEN p.is_open THEN round(ceil(p.people_needed * p.costed_share) * (p.months_remaining + 1) / 2 * p.monthly_rate_idr) END::BIGINT AS cost_to_deadline_idr,
    CASE WHEN p.is_open THEN ceil(p.people_needed * p.costed_share) * 12 * p.monthly_rate_idr END::BIGINT AS cost_year_after_deadline_idr,
    p.committed_idr::BIGINT AS committed_idr,
    p.budget_idr,
    p.budget_idr - p.committed_idr AS budget_remaining_idr,
    p.reached_period,
    p.denominator,
    p.source
FROM projected p
JOIN {{ source('ref', 'regions') }} r USING (region_code)
ORDER BY p.target_id
