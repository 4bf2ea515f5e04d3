-- core.participation: one figure per period x region x segment (incl. ALL), kab/kota as reported,
-- provinces as reported or rolled up from their kab/kota, and the national rollup of provinces.
CREATE SCHEMA IF NOT EXISTS core;

CREATE OR REPLACE TABLE core.participation AS
WITH latest AS (
    -- When two files report the same month, region and segment, the file whose path sorts last (a revision) wins.
    SELECT period, region_code, segment, active_participants, new_participants, inactive_participants
    FROM staging.participation
    QUALIFY row_number() OVER (PARTITION BY period, region_code, segment ORDER BY file_path DESC, row_number DESC) = 1
),
with_all AS (
    SELECT * FROM latest
    UNION ALL
    SELECT period, region_code, 'ALL', sum(active_participants), sum(new_participants), sum(inactive_participants)
    FROM latest
    GROUP BY period, region_code
),
kabkota AS (
    SELECT w.*, r.province_code
    FROM with_all w JOIN ref.regions r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
),
expected AS (
    SELECT province_code, count(*) AS regions_expected
    FROM ref.regions WHERE region_level IN ('regency', 'city')
    GROUP BY province_code
),
rollup AS (
    SELECT period, province_code AS region_code, segment,
           sum(active_participants) AS active_participants,
           sum(new_participants) AS new_participants,
           sum(inactive_participants) AS inactive_participants,
           count(*) AS regions_reporting
    FROM kabkota
    GROUP BY ALL
),
reported AS (
    SELECT w.* FROM with_all w JOIN ref.regions r USING (region_code) WHERE r.region_level = 'province'
),
province AS (
    SELECT
        coalesce(rep.period, rol.period) AS period,
        coalesce(rep.region_code, rol.region_code) AS region_code,
        coalesce(rep.segment, rol.segment) AS segment,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.active_participants ELSE rol.active_participants END AS active_participants,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.new_participants ELSE rol.new_participants END AS new_participants,
        CASE WHEN rep.region_code IS NOT NULL THEN rep.inactive_participants ELSE rol.inactive_participants END AS inactive_participants,
        CASE WHEN rep.region_code IS NOT NULL THEN 'reported' ELSE 'rolled_up' END AS participants_source,
        rol.active_participants AS kabkota_sum,
        coalesce(rol.regions_reporting, 0) AS regions_reporting,
        e.regions_expected
    FROM reported rep
    FULL JOIN rollup rol ON rol.period = rep.period AND rol.region_code = rep.region_code AND rol.segment = rep.segment
    JOIN expected e ON e.province_code = coalesce(rep.region_code, rol.region_code)
),
national AS (
    SELECT period, 'ID' AS region_code, segment,
           sum(active_participants), sum(new_participants), sum(inactive_participants),
           'rolled_up', NULL::BIGINT,
           -- a province counts as reporting only when its own figure is complete
           count(*) FILTER (WHERE participants_source = 'reported' OR regions_reporting = regions_expected),
           (SELECT count(*) FROM ref.regions WHERE region_level = 'province')
    FROM province
    GROUP BY period, segment
)
SELECT *, participants_source = 'reported' OR regions_reporting = regions_expected AS is_complete
FROM (
    SELECT period, region_code, segment, active_participants, new_participants, inactive_participants,
           'reported' AS participants_source, NULL::BIGINT AS kabkota_sum, NULL::BIGINT AS regions_reporting, NULL::BIGINT AS regions_expected
    FROM kabkota
    UNION ALL SELECT * FROM province
    UNION ALL SELECT * FROM national
)
ORDER BY period, region_code, segment;

COMMENT ON TABLE core.participation IS 'Active participants per period x region x segment (PU, BPU, JAKON, PMI and ALL = their sum), at kab/kota, province and national level.';
COMMENT ON COLUMN core.participation.period IS 'First day of the month';
COMMENT ON COLUMN core.participation.region_code IS 'Kemendagri code (ID = national)';
COMMENT ON COLUMN core.participation.segment IS 'PU | BPU | JAKON | PMI | ALL';
COMMENT ON COLUMN core.participation.active_participants IS 'Active participants';
COMMENT ON COLUMN core.participation.new_participants IS 'New participants in the month, where reported';
COMMENT ON COLUMN core.participation.inactive_participants IS 'Non-active participants, where reported';
COMMENT ON COLUMN core.participation.participants_source IS 'reported: the figure comes from a file for this region; rolled_up: summed from the level below';
COMMENT ON COLUMN core.participation.kabkota_sum IS 'For province rows: the sum of its kab/kota rows, to compare with a reported province figure';
COMMENT ON COLUMN core.participation.regions_reporting IS 'For rolled-up rows: how many regions of the level below have a figure (complete provinces, for national)';
COMMENT ON COLUMN core.participation.regions_expected IS 'For province and national rows: how many regions the level below has';
COMMENT ON COLUMN core.participation.is_complete IS 'True when the figure covers the whole region: reported directly, or every region below reported';
