-- dq.stated_totals: every totals row of a file next to the sum of the rows loaded from the same file and sheet, for
-- the same dimensions (period, year, segment: those the source's rows have) and the same kab/kota scope. One block per
-- source that declares what its totals state (totals_sources(), generated from the source registry).
WITH compared AS (
    {%- for s in totals_sources() %}
    {% if not loop.first %}UNION ALL BY NAME {% endif -%}
    SELECT t.*, (
        SELECT sum(x.{{ s.value }})
        FROM {{ source('staging', s.name) }} x JOIN {{ source('ref', 'regions') }} r USING (region_code)
        WHERE r.region_level IN ('regency', 'city') AND (t.scope = 'all' OR r.region_level = t.scope)
          AND x.file_path = t.file_path AND x.sheet = t.sheet
          {%- if 'period' in s.dimensions %} AND x.period = t.period{% endif %}
          {%- if 'year' in s.dimensions %} AND x.year = t.year{% endif %}
          {%- if 'segment' in s.dimensions %} AND (t.segment = 'ALL' OR x.segment = t.segment){% endif %}
    ) AS loaded_sum
    FROM {{ source('staging', s.name ~ '_totals') }} t
    {%- endfor %}
)
SELECT source, file_path, sheet, row_number, label, scope, period, year, segment, stated_value,
       loaded_sum::DOUBLE AS loaded_sum,
       CASE WHEN stated_value > 0 THEN 100.0 * (coalesce(loaded_sum, 0) - stated_value) / stated_value END AS difference_pct
FROM compared
ORDER BY source, file_path, sheet, row_number, segment
