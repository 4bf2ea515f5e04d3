-- ref.regions: Kemendagri 2025 provinces and kab/kota, their BPS 2018 codes, and the aliases the matcher accepts.
-- Reads the views regions_file and aliases_file, registered by the asset from data/reference/*.csv.
CREATE SCHEMA IF NOT EXISTS ref;

CREATE OR REPLACE TABLE ref.regions AS
WITH aliases AS (
    SELECT region_code, list(alias ORDER BY alias) AS aliases FROM aliases_file GROUP BY region_code
),
regions AS (
    SELECT region_code, nullif(bps_code, '') AS bps_code, region_name, region_level, province_code FROM regions_file
    UNION ALL
    SELECT 'ID', NULL, 'Indonesia', 'national', NULL
)
SELECT
    r.region_code,
    r.bps_code,
    r.region_name,
    r.region_level,
    r.province_code,
    p.region_name AS province_name,
    CASE r.region_level
        WHEN 'province' THEN (SELECT count(*) FROM regions k WHERE k.province_code = r.region_code AND k.region_level IN ('regency', 'city'))
        WHEN 'national' THEN (SELECT count(*) FROM regions k WHERE k.region_level = 'province')
    END AS subregions,
    coalesce(a.aliases, []::VARCHAR[]) AS aliases
FROM regions r
LEFT JOIN regions p ON p.region_code = r.province_code AND p.region_level = 'province'
LEFT JOIN aliases a ON a.region_code = r.region_code
ORDER BY r.region_code = 'ID' DESC, r.region_code;

COMMENT ON TABLE ref.regions IS 'Regions of Indonesia by Kepmendagri 300.2.2-2138 Tahun 2025: 38 provinces, 514 kab/kota, and the national row ID. One row per region. Join other systems through bps_code, never by digits.';
COMMENT ON COLUMN ref.regions.region_code IS 'Kemendagri code: 35 for a province, 35.75 for a kab/kota, ID for Indonesia';
COMMENT ON COLUMN ref.regions.bps_code IS 'BPS master code (2018 edition) of the same region; differs from the Kemendagri digits for about 200 kab/kota; NULL for the Papua provinces created after 2018';
COMMENT ON COLUMN ref.regions.region_name IS 'Official name, e.g. Kota Pasuruan, Kabupaten Pasuruan';
COMMENT ON COLUMN ref.regions.region_level IS 'national | province | regency (kabupaten, codes 01-69) | city (kota, codes 71-99)';
COMMENT ON COLUMN ref.regions.province_code IS 'Kemendagri code of the province the region belongs to (the province itself for a province)';
COMMENT ON COLUMN ref.regions.province_name IS 'Name of that province';
COMMENT ON COLUMN ref.regions.subregions IS 'Regions one level below: kab/kota of a province, provinces of ID; what a complete rollup sums';
COMMENT ON COLUMN ref.regions.aliases IS 'Other spellings the region matcher accepts (BPS names, abbreviations); from data/reference/region_aliases*.csv';
