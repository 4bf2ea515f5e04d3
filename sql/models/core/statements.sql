-- core.statements: one row per published statement; a statement_id given in two files is revised by the later file.
SELECT
    -- A statement without an id is named after where it stands: file, sheet and row.
    coalesce(statement_id, regexp_replace(file_path, '^.*/', '') || coalesce(':' || nullif(sheet, ''), '') || ':' || row_number) AS statement_id,
    * EXCLUDE (statement_id, file_sha256)
FROM {{ source('staging', 'statements') }}
QUALIFY row_number() OVER (PARTITION BY coalesce(statement_id, file_path || ':' || sheet || ':' || row_number) ORDER BY file_path DESC, row_number DESC) = 1
ORDER BY statement_id
