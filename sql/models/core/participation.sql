-- core.participation: one figure per period x region x segment (incl. ALL), kab/kota as reported,
-- provinces as reported or rolled up from their kab/kota, and the national rollup of provinces.
WITH latest AS (
    -- When two files report the same month, region and segment, the one modified later wins (a browser's
    -- "2021-03 (1).csv" is the re-sent one, though it sorts first); dq.conflicting_figures lists where they differ.
    SELECT p.period, p.region_code, p.segment, p.active_participants, p.new_participants, p.inactive_participants
    FROM {{ source('staging', 'participation') }} p
    LEFT JOIN {{ source('staging', 'participation_files') }} f USING (file_path)
    QUALIFY row_number() OVER (PARTITION BY p.period, p.region_code, p.segment
                               ORDER BY f.modified_at DESC NULLS LAST, p.file_path DESC, p.row_number DESC) = 1
),
reported AS (
    -- ALL is the sum of the segments reported for that region and month: offices often list only PU and BPU,
    -- and published coverage is computed from what they list. segments_reported says which, in a fixed order.
    SELECT *, segment AS segments_reported FROM latest
    UNION ALL
    SELECT period, region_code, 'ALL', sum(active_participants), sum(new_participants), sum(inactive_participants),
           array_to_string(list_filter(['PU', 'BPU', 'JAKON', 'PMI'], lambda s: list_contains(list(segment), s)), ',')
    FROM latest
    GROUP BY period, region_code
),
kabkota AS (
    SELECT f.*, r.province_code
    FROM reported f JOIN {{ source('ref', 'regions') }} r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
),
rollup AS (
    SELECT period, province_code AS region_code, segment,
           sum(active_participants) AS active_participants,
           sum(new_participants) AS new_participants,
           sum(inactive_participants) AS inactive_participants,
           count(*) AS regions_reporting,
           -- The segments any kab/kota below reported (each kab/kota row keeps its own list).
           array_to_string(list_filter(['PU', 'BPU', 'JAKON', 'PMI'],
               lambda s: list_contains(flatten(list(string_split(segments_reported, ','))), s)), ',') AS segments_reported
    FROM kabkota
    GROUP BY period, province_code, segment
),
province AS (
    -- A province figure a source reports directly is kept; the kab/kota sum stays beside it for comparison.
    SELECT
        coalesce(rep.period, rol.period) AS period,
        coalesce(rep.region_code, rol.region_code) AS region_code,
        coalesce(rep.segment, rol.segment) AS segment,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.active_participants ELSE rol.active_participants END AS active_participants,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.new_participants ELSE rol.new_participants END AS new_participants,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.inactive_participants ELSE rol.inactive_participants END AS inactive_participants,
        CASE WHEN rep.region_code IS NOT NULL THEN 'reported' ELSE 'rolled_up' END AS participants_source,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.segments_reported ELSE rol.segments_reported END AS segments_reported,
        rol.active_participants AS kabkota_sum,
        coalesce(rol.regions_reporting, 0) AS regions_reporting,
        p.subregions AS regions_expected,
        -- A reported province figure covers the province; a rollup only when every kab/kota has a figure.
        rep.region_code IS NOT NULL OR coalesce(rol.regions_reporting, 0) = p.subregions AS is_complete
    FROM (SELECT f.* FROM reported f JOIN {{ source('ref', 'regions') }} r USING (region_code) WHERE r.region_level = 'province') rep
    FULL JOIN rollup rol ON rol.period = rep.period AND rol.region_code = rep.region_code AND rol.segment = rep.segment
    JOIN {{ source('ref', 'regions') }} p ON p.region_code = coalesce(rep.region_code, rol.region_code)
),
national AS (
    SELECT period, 'ID' AS region_code, segment,
           sum(active_participants), sum(new_participants), sum(inactive_participants),
           'rolled_up',
           array_to_string(list_filter(['PU', 'BPU', 'JAKON', 'PMI'],
               lambda s: list_contains(flatten(list(string_split(segments_reported, ','))), s)), ','),
           NULL::BIGINT,
           count(*) FILTER (WHERE is_complete),
           (SELECT subregions FROM {{ source('ref', 'regions') }} WHERE region_code = 'ID'),
           count(*) FILTER (WHERE is_complete) = (SELECT subregions FROM {{ source('ref', 'regions') }} WHERE region_code = 'ID')
    FROM province
    GROUP BY period, segment
)
SELECT period, region_code, segment, active_participants, new_participants, inactive_participants,
       'reported' AS participants_source, segments_reported, NULL::BIGINT AS kabkota_sum, NULL::BIGINT AS regions_reporting,
       NULL::BIGINT AS regions_expected, true AS is_complete
FROM kabkota
UNION ALL SELECT * FROM province
UNION ALL SELECT * FROM national
ORDER BY period, region_code, segment
