-- core.statements: one row per published statement; a statement_id given in two files is revised by the later file.
WITH named AS (
    SELECT
        -- A statement without an id is named after where it stands: its path inside statements/ (so that
        -- 2021/pernyataan.csv and 2022/pernyataan.csv never share a name), sheet and row.
        coalesce(statement_id, regexp_replace(file_path, '^statements/', '') || coalesce(':' || nullif(sheet, ''), '') || ':' || row_number) AS statement_id,
        * EXCLUDE (statement_id, file_sha256)
    FROM {{ source('staging', 'statements') }}
)
SELECT * FROM named
QUALIFY row_number() OVER (PARTITION BY statement_id ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY statement_id
