-- marts.statement_checks: every published statement recomputed and compared with the warehouse and with BPS,
-- with one plain-language finding per problem, so that an analyst can check a figure before repeating it.
WITH statements AS (
    SELECT s.*,
           CASE WHEN s.stated_denominator > 0 AND s.stated_participants IS NOT NULL
                THEN 100.0 * s.stated_participants / s.stated_denominator END AS recomputed_pct,
           -- Only the segments the statement gives are added up; NULL when it gives none.
           CASE WHEN coalesce(s.stated_pu, s.stated_bpu, s.stated_jakon, s.stated_pmi) IS NOT NULL
                THEN coalesce(s.stated_pu, 0) + coalesce(s.stated_bpu, 0) + coalesce(s.stated_jakon, 0) + coalesce(s.stated_pmi, 0) END AS stated_segments_sum
    FROM {{ ref('statements') }} s
),
with_bps AS (
    -- BPS employed persons for the statement's year (the latest at or before it).
    SELECT s.*, w.year AS bps_year, w.employed AS bps_employed
    FROM statements s
    ASOF LEFT JOIN {{ ref('workforce') }} w ON w.region_code = s.region_code AND year(s.period) >= w.year
),
compared AS (
    SELECT b.*,
           c.active_participants AS warehouse_participants,
           c.segments_reported AS warehouse_segments,
           c.coverage_pct AS warehouse_coverage_pct,
           b.stated_participants - c.active_participants AS participants_difference,
           100.0 * (b.stated_participants - c.active_participants) / nullif(c.active_participants, 0) AS participants_difference_pct,
           b.stated_coverage_pct - c.coverage_pct AS coverage_difference_pp,
           b.segment = 'ALL' AND coalesce(b.denominator_kind, 'bps_employed') = 'bps_employed' AS comparable_coverage,
           100.0 * (b.stated_denominator - b.bps_employed) / nullif(b.bps_employed, 0) AS denominator_vs_bps_pct,
           r.region_name,
           strftime(b.period, '%B %Y') AS month_text
    FROM with_bps b
    JOIN {{ source('ref', 'regions') }} r USING (region_code)
    LEFT JOIN {{ ref('coverage') }} c ON c.region_code = b.region_code AND c.period = b.period AND c.segment = b.segment
),
findings AS (
    SELECT *,
        list_filter([
            CASE WHEN abs(recomputed_pct - stated_coverage_pct) > 0.05 THEN format(
                'Arithmetic: {:,} of {:,} is {:.2f}%, not the stated {:.2f}% ({:.2f} points off).',
                stated_participants, stated_denominator, recomputed_pct, stated_coverage_pct, abs(recomputed_pct - stated_coverage_pct)) END,
            CASE WHEN stated_segments_sum <> stated_participants THEN format(
                'Segments: the segment figures add up to {:,}, not the stated total of {:,}.', stated_segments_sum, stated_participants) END,
            CASE WHEN abs(participants_difference_pct) > 1 THEN format(
                'Participants: the warehouse has {:,} active participants ({}) for {} in {}, the statement {:,} ({:+.1f}%).',
                warehouse_participants, segment, region_name, month_text, stated_participants, participants_difference_pct) END,
            -- Coverage is compared on the same basis only: all segments over BPS employed persons (or a statement that
            -- does not say what it divided by).
            CASE WHEN comparable_coverage AND abs(coverage_difference_pp) > 0.5 THEN format(
                'Coverage: the warehouse has {:.2f}% of BPS employed persons for {} in {}, the statement {:.2f}% ({:+.2f} points).',
                warehouse_coverage_pct, region_name, month_text, stated_coverage_pct, coverage_difference_pp) END,
            CASE WHEN denominator_kind = 'bps_employed' AND abs(denominator_vs_bps_pct) > 1 THEN format(
                'Denominator: the statement divides by {:,} employed persons, but BPS counted {:,} in {} in {} ({:+.1f}%).',
                stated_denominator, bps_employed, region_name, bps_year, denominator_vs_bps_pct) END,
            CASE WHEN denominator_kind IN ('potential', 'other') AND stated_denominator > bps_employed THEN format(
                'Denominator: {:,} {} workers is more than all {:,} employed persons BPS counted in {} in {}; the percentage cannot be a share of real workers.',
                stated_denominator, denominator_kind, bps_employed, region_name, bps_year) END,
            CASE WHEN stated_coverage_pct > 100 THEN format('Coverage: a stated coverage of {:.2f}% is above 100%.', stated_coverage_pct) END
        ], lambda f: f IS NOT NULL) AS problems,
        list_filter([
            CASE WHEN warehouse_participants IS NULL THEN format('no warehouse figure for {} ({}) in {}', region_name, segment, month_text) END,
            CASE WHEN bps_employed IS NULL AND stated_denominator IS NOT NULL THEN format('no BPS figure for {} to compare the denominator with', region_name) END,
            CASE WHEN stated_coverage_pct IS NOT NULL AND warehouse_participants IS NOT NULL AND NOT comparable_coverage
                 THEN 'coverage against the warehouse (it divides all segments by BPS employed persons, PU by formal and BPU by informal workers)' END,
            CASE WHEN recomputed_pct IS NULL AND stated_coverage_pct IS NOT NULL THEN 'the percentage cannot be recomputed without both participants and denominator' END
        ], lambda f: f IS NOT NULL) AS unchecked
    FROM compared
)
SELECT
    statement_id,
    region_code,
    region_name,
    period::DATE AS period,
    stated_as_of,
    segment,
    source,
    url,
    stated_participants,
    stated_denominator,
    denominator_kind,
    stated_coverage_pct,
    recomputed_pct,
    CASE WHEN recomputed_pct IS NOT NULL AND stated_coverage_pct IS NOT NULL THEN abs(recomputed_pct - stated_coverage_pct) <= 0.05 END AS arithmetic_ok,
    stated_segments_sum,
    CASE WHEN stated_segments_sum IS NOT NULL AND stated_participants IS NOT NULL THEN stated_segments_sum = stated_participants END AS segments_add_up,
    warehouse_participants::BIGINT AS warehouse_participants,
    warehouse_segments,
    participants_difference::BIGINT AS participants_difference,
    participants_difference_pct,
    warehouse_coverage_pct,
    coverage_difference_pp,
    bps_employed::BIGINT AS bps_employed,
    bps_year::INTEGER AS bps_year,
    denominator_vs_bps_pct,
    target_value,
    target_deadline::DATE AS target_deadline,
    len(problems)::INTEGER AS problem_count,
    CASE WHEN len(problems) = 0 THEN 'No problem found.' ELSE array_to_string(problems, ' ') END AS verdict,
    nullif(array_to_string(unchecked, '; '), '') AS not_checked
FROM findings
ORDER BY period, region_code, statement_id
