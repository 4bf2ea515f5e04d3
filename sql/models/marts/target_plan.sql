-- marts.target_plan: for every open target, month by month to its deadline, the participants needed on a straight path
-- from as_of, against the recent run-rate, and what the people costed in marts.target_progress (cost_basis) would cost
-- as BPU workers; a target left uncosted there has no rupiah here either.
WITH open_targets AS (
    SELECT * FROM {{ ref('target_progress') }}
    WHERE status IN ('on_track', 'at_risk', 'off_track', 'not_projected') AND months_remaining > 0
),
months AS (
    SELECT t.*, k, (t.as_of + to_months(k))::DATE AS period
    FROM open_targets t, range(1, t.months_remaining + 1) AS steps(k)
),
planned AS (
    SELECT *,
        current_participants + participants_needed * k / months_remaining AS required_participants,
        current_participants + coalesce(recent_monthly_participants, 0) * k AS participants_at_run_rate,
        -- The plan's added (costed) workers insured in this month: enrolled evenly, each insured until the deadline.
        costed_participants * k / months_remaining AS funded_workers,
        {{ bpu_contribution('period') }} AS monthly_rate
    FROM months
)
SELECT
    target_id,
    region_code,
    region_name,
    segment,
    metric,
    funding_source,
    period,
    (months_remaining - k)::INTEGER AS months_to_deadline,
    ceil(required_participants)::BIGINT AS required_participants,
    CASE WHEN metric = 'coverage_pct' AND workforce_at_as_of > 0 THEN 100.0 * required_participants / workforce_at_as_of END AS required_coverage_pct,
    round(participants_at_run_rate)::BIGINT AS participants_at_run_rate,
    ceil(required_participants - participants_at_run_rate)::BIGINT AS behind_run_rate,
    required_monthly_participants,
    recent_monthly_participants,
    ceil(funded_workers)::BIGINT AS funded_workers,
    cost_basis,
    (funded_workers * monthly_rate)::BIGINT AS plan_contribution_idr,
    sum(funded_workers * monthly_rate) OVER (PARTITION BY target_id ORDER BY period)::BIGINT AS plan_cumulative_idr
FROM planned
ORDER BY target_id, period
