-- marts.coverage_map: what the coverage maps colour, one row per province and kab/kota of the Kemendagri list, with
-- data or not. A map shows one month: the national map the latest month of any province's ALL-segment coverage, a
-- province's map the latest month of its kab/kota. A region without a figure in that month keeps its row, with the
-- reason (the map draws it grey and says why). A region's target is its open target with the nearest deadline.
WITH regions AS (
    SELECT region_code, region_name, region_level, province_code
    FROM {{ source('ref', 'regions') }}
    WHERE region_level IN ('province', 'regency', 'city')
),
measured AS (
    SELECT * FROM {{ ref('coverage') }} WHERE segment = 'ALL' AND coverage_pct IS NOT NULL
),
map_months AS (
    SELECT r.*,
           CASE WHEN r.region_level = 'province'
                THEN (SELECT max(period) FROM measured WHERE region_level = 'province')
                ELSE (SELECT max(m.period) FROM measured m
                      WHERE m.region_level IN ('regency', 'city') AND m.province_code = r.province_code)
           END AS map_period
    FROM regions r
),
open_targets AS (
    SELECT region_code, target_id, segment, deadline, participants_needed
    FROM {{ ref('target_progress') }}
    WHERE status IN ('on_track', 'at_risk', 'off_track', 'not_projected') AND participants_needed IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY region_code ORDER BY deadline, target_id) = 1
)
SELECT r.region_code, r.region_name, r.region_level, r.province_code, r.map_period,
       {{ id_month('r.map_period') }} AS map_month,
       now.coverage_pct, now.active_participants, now.workforce, now.workforce_year,
       potential.coverage_pct AS potential_coverage_pct, potential.workforce AS potential_workforce,
       before.coverage_pct AS coverage_pct_12_months_before,
       now.coverage_pct - before.coverage_pct AS coverage_change_12_months,
       t.target_id, t.segment AS target_segment, t.deadline AS target_deadline, t.participants_needed,
       CASE WHEN r.map_period IS NULL THEN 'tidak ada data cakupan untuk ' || IF(r.region_level = 'province', 'provinsi mana pun', 'provinsi ini')
            WHEN now.coverage_pct IS NULL THEN 'tidak ada data bulan ini'
       END AS no_data_reason
FROM map_months r
LEFT JOIN measured now ON now.region_code = r.region_code AND now.period = r.map_period
LEFT JOIN measured before ON before.region_code = r.region_code AND before.period = r.map_period - INTERVAL 12 MONTH
LEFT JOIN {{ ref('coverage_potential') }} potential
    ON potential.region_code = r.region_code AND potential.period = r.map_period AND potential.segment = 'ALL'
LEFT JOIN open_targets t ON t.region_code = r.region_code
ORDER BY r.region_code
