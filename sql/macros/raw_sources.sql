{# Generated from the source registry by pipeline/warehouse/dbt_sources.py: do not edit. #}
{# The raw sources of the registry: dq.file_ledger and dq.rejected_rows union their staging tables. #}
{% macro raw_sources() %}{{ return(['participation', 'workforce', 'targets', 'potential', 'statements', 'rentan']) }}{% endmacro %}
