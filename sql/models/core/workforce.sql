-- core.workforce: BPS employed persons per region and year at kab/kota, province and national level.
WITH latest AS (
    -- Of two files with the same year and region, the one modified later wins (dq.conflicting_figures).
    SELECT w.year, w.region_code, w.employed, w.formal, w.informal
    FROM {{ source('staging', 'workforce') }} w
    LEFT JOIN {{ source('staging', 'workforce_files') }} f USING (file_path)
    QUALIFY row_number() OVER (PARTITION BY w.year, w.region_code
                               ORDER BY f.modified_at DESC NULLS LAST, w.file_path DESC, w.row_number DESC) = 1
),
kabkota AS (
    SELECT l.*, r.province_code
    FROM latest l JOIN {{ source('ref', 'regions') }} r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
),
rollup AS (
    -- A province's sum is a denominator only when every kab/kota of it has a figure for that year.
    SELECT k.year, k.province_code AS region_code, sum(employed) AS employed, sum(formal) AS formal, sum(informal) AS informal
    FROM kabkota k JOIN {{ source('ref', 'regions') }} p ON p.region_code = k.province_code
    GROUP BY k.year, k.province_code, p.subregions
    HAVING count(*) = p.subregions
),
reported AS (
    SELECT l.* FROM latest l JOIN {{ source('ref', 'regions') }} r USING (region_code) WHERE r.region_level = 'province'
),
province AS (
    -- BPS's own provincial estimate is kept where a file gives it; otherwise the complete kab/kota sum.
    SELECT year, region_code, employed, formal, informal, 'reported' AS workforce_source FROM reported
    UNION ALL
    SELECT year, region_code, employed, formal, informal, 'rolled_up' FROM rollup
    WHERE (year, region_code) NOT IN (SELECT (year, region_code) FROM reported)
),
national AS (
    SELECT year, 'ID', sum(employed), sum(formal), sum(informal), 'rolled_up'
    FROM province
    GROUP BY year
    HAVING count(*) = (SELECT subregions FROM {{ source('ref', 'regions') }} WHERE region_code = 'ID')
)
SELECT year, region_code, employed, formal, informal, 'reported' AS workforce_source FROM kabkota
UNION ALL SELECT * FROM province
UNION ALL SELECT * FROM national
ORDER BY year, region_code
