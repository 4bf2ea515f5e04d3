{# The BPU JKK+JKM contribution per worker in force in the month `period` (seeds/contribution_rates.csv). #}
{% macro bpu_contribution(period) -%}
(SELECT monthly_idr FROM {{ ref('contribution_rates') }}
 WHERE program = 'BPU_JKK_JKM' AND effective_from <= {{ period }} AND (effective_to IS NULL OR {{ period }} <= effective_to))
{%- endmacro %}
