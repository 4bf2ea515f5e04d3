-- dq.conflicting_figures: two files that report the same figure differently (a re-sent month with one corrected cell,
-- "2021-03 (1).csv" beside "2021-03.csv"): one row per figure and pair of files, with the one published (the file
-- modified later; ties by path, as core.participation and core.workforce choose) and the one set aside.
WITH participation AS (
    SELECT 'participation' AS source, strftime(p.period, '%Y-%m') AS period, p.region_code, p.segment AS measure,
           p.active_participants::DOUBLE AS value, p.file_path, p.sheet, p.row_number,
           row_number() OVER (PARTITION BY p.period, p.region_code, p.segment
                              ORDER BY f.modified_at DESC NULLS LAST, p.file_path DESC, p.row_number DESC) AS rank
    FROM {{ source('staging', 'participation') }} p
    LEFT JOIN {{ source('staging', 'participation_files') }} f USING (file_path)
),
workforce AS (
    SELECT 'workforce', w.year::VARCHAR, w.region_code, measure, value, w.file_path, w.sheet, w.row_number,
           row_number() OVER (PARTITION BY w.year, w.region_code, measure
                              ORDER BY f.modified_at DESC NULLS LAST, w.file_path DESC, w.row_number DESC)
    FROM (
        SELECT * FROM {{ source('staging', 'workforce') }}
        UNPIVOT (value FOR measure IN (employed, formal, informal))
    ) w
    LEFT JOIN {{ source('staging', 'workforce_files') }} f USING (file_path)
),
figures AS (
    SELECT * FROM participation UNION ALL SELECT * FROM workforce
)
SELECT p.source, p.period, p.region_code, r.region_name, p.measure,
       p.file_path AS published_file, p.value AS published_value,
       o.file_path AS other_file, o.value AS other_value
FROM figures p
JOIN figures o ON o.source = p.source AND o.period = p.period AND o.region_code = p.region_code AND o.measure = p.measure
              AND o.rank > 1 AND o.value IS DISTINCT FROM p.value AND o.file_path <> p.file_path
JOIN {{ source('ref', 'regions') }} r ON r.region_code = p.region_code
WHERE p.rank = 1
ORDER BY p.source, p.period, p.region_code, p.measure, o.file_path
