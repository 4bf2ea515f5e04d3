-- Two files that report the same month, region and segment (or BPS year and region) with different figures: the one
-- modified later is published, and every such figure is listed here for a person to confirm.
{{ config(severity='warn', meta={'description': 'No two raw files report the same figure differently; where they do, the file modified later is published and dq.conflicting_figures names both.'}) }}
SELECT * FROM {{ ref('conflicting_figures') }}
