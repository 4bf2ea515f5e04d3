-- core.bps_published: every BPS employed-persons figure the warehouse knows, with when BPS published it and how
-- precisely: the workforce/ files (kab/kota, whole persons) and the province seed (press releases, often rounded).
-- A statement is checked against the figure that was the latest one published on the statement's date.
WITH figures AS (
    SELECT region_code, year, 8 AS survey_month, basis, figure, 0.5 AS precision_persons, false AS pre_split, 'workforce/' AS source
    FROM (
        SELECT region_code, year, employed AS bps_employed, formal AS bps_formal, informal AS bps_informal
        FROM {{ ref('workforce') }}
    ) UNPIVOT (figure FOR basis IN (bps_employed, bps_formal, bps_informal))
    UNION ALL
    SELECT region_code, year, survey_month, 'bps_employed', employed, precision_persons, pre_split, source_title
    FROM {{ ref('bps_employed_provinces') }}
)
SELECT region_code, year, survey_month, basis, figure::BIGINT AS figure, precision_persons,
       -- Sakernas results come out in the first week of the third month after the round: August in November, February in May.
       make_date(year, survey_month + 3, 5) AS published_on,
       -- A figure for a province as it was before it was split (Papua, Papua Barat in 2022): never the comparison for
       -- a later period.
       coalesce(pre_split, false) AS pre_split,
       source
FROM figures
WHERE figure IS NOT NULL
-- Where a file and the seed give the same round, the more precise figure first.
QUALIFY row_number() OVER (PARTITION BY region_code, year, survey_month, basis ORDER BY precision_persons, source) = 1
ORDER BY region_code, year, survey_month, basis
