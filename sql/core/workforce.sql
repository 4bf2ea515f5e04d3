-- core.workforce: BPS employed persons per region and year at kab/kota, province and national level.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.workforce AS
WITH latest AS (
    SELECT year, region_code, employed, formal, informal
    FROM staging.workforce
    QUALIFY row_number() OVER (PARTITION BY year, region_code ORDER BY file_path DESC, row_number DESC) = 1
),
kabkota AS (
    SELECT l.*, r.province_code
    FROM latest l JOIN ref.regions r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
),
rollup AS (
    -- A province's sum is a denominator only when every kab/kota of it has a figure for that year.
    SELECT k.year, k.province_code AS region_code, sum(employed) AS employed, sum(formal) AS formal, sum(informal) AS informal
    FROM kabkota k JOIN ref.regions p ON p.region_code = k.province_code
    GROUP BY k.year, k.province_code, p.subregions
    HAVING count(*) = p.subregions
),
reported AS (
    SELECT l.* FROM latest l JOIN ref.regions r USING (region_code) WHERE r.region_level = 'province'
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
    HAVING count(*) = (SELECT subregions FROM ref.regions WHERE region_code = 'ID')
)
SELECT year, region_code, employed, formal, informal, 'reported' AS workforce_source FROM kabkota
UNION ALL SELECT * FROM province
UNION ALL SELECT * FROM national
ORDER BY year, region_code;

COMMENT ON TABLE core.workforce IS 'BPS employed persons per region x year: kab/kota as reported, provinces as reported by BPS or summed when every kab/kota has a figure, national when every province has one.';
COMMENT ON COLUMN core.workforce.year IS 'BPS survey year';
COMMENT ON COLUMN core.workforce.region_code IS 'Kemendagri code (ID = national)';
COMMENT ON COLUMN core.workforce.employed IS 'Employed persons (penduduk bekerja)';
COMMENT ON COLUMN core.workforce.formal IS 'Employed persons in formal work';
COMMENT ON COLUMN core.workforce.informal IS 'Employed persons in informal work';
COMMENT ON COLUMN core.workforce.workforce_source IS 'reported: from a BPS file for this region; rolled_up: summed from the complete level below';
