-- dq.stated_totals: every totals row of a file next to the sum of the rows loaded from the same table.
CREATE SCHEMA IF NOT EXISTS dq;

CREATE OR REPLACE TABLE dq.stated_totals AS
WITH totals AS (
    SELECT * FROM staging.participation_totals
    UNION ALL BY NAME SELECT * FROM staging.workforce_totals
),
participation_sums AS (
    SELECT p.file_path, p.sheet, p.period, p.segment, r.region_level, sum(p.active_participants) AS loaded
    FROM staging.participation p JOIN ref.regions r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
    GROUP BY ALL
),
workforce_sums AS (
    SELECT w.file_path, w.sheet, w.year, r.region_level, sum(w.employed) AS loaded
    FROM staging.workforce w JOIN ref.regions r USING (region_code)
    WHERE r.region_level IN ('regency', 'city')
    GROUP BY ALL
),
compared AS (
    SELECT t.*,
        CASE t.source
            WHEN 'participation' THEN (
                SELECT sum(s.loaded) FROM participation_sums s
                WHERE s.file_path = t.file_path AND s.sheet = t.sheet AND s.period = t.period
                  AND (t.segment = 'ALL' OR s.segment = t.segment) AND (t.scope = 'all' OR s.region_level = t.scope))
            WHEN 'workforce' THEN (
                SELECT sum(s.loaded) FROM workforce_sums s
                WHERE s.file_path = t.file_path AND s.sheet = t.sheet AND s.year = t.year
                  AND (t.scope = 'all' OR s.region_level = t.scope))
        END AS loaded_sum
    FROM totals t
)
SELECT source, file_path, sheet, row_number, label, scope, period, year, segment, stated_value,
       loaded_sum::DOUBLE AS loaded_sum,
       CASE WHEN stated_value > 0 THEN 100.0 * (coalesce(loaded_sum, 0) - stated_value) / stated_value END AS difference_pct
FROM compared
ORDER BY source, file_path, sheet, row_number, segment;

COMMENT ON TABLE dq.stated_totals IS 'Totals rows found in raw files ("Jumlah", "Total", a province name), each compared with the sum of the rows loaded from the same sheet. A difference means rows were rejected or the file does not add up.';
COMMENT ON COLUMN dq.stated_totals.source IS 'participation | workforce';
COMMENT ON COLUMN dq.stated_totals.file_path IS 'Path under the raw folder';
COMMENT ON COLUMN dq.stated_totals.sheet IS 'Sheet name (empty for csv)';
COMMENT ON COLUMN dq.stated_totals.row_number IS 'Row number of the totals row';
COMMENT ON COLUMN dq.stated_totals.label IS 'The label cell as written';
COMMENT ON COLUMN dq.stated_totals.scope IS 'all | regency (Jumlah Kabupaten) | city (Jumlah Kota)';
COMMENT ON COLUMN dq.stated_totals.period IS 'Participation: month of the total';
COMMENT ON COLUMN dq.stated_totals.year IS 'Workforce: year of the total';
COMMENT ON COLUMN dq.stated_totals.segment IS 'Participation: segment, or ALL for a Total column';
COMMENT ON COLUMN dq.stated_totals.stated_value IS 'The figure the file states';
COMMENT ON COLUMN dq.stated_totals.loaded_sum IS 'Sum of the kab/kota rows loaded from the same sheet (and period, segment or year)';
COMMENT ON COLUMN dq.stated_totals.difference_pct IS '(loaded_sum - stated_value) / stated_value x 100';
