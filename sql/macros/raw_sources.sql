{# Generated from the source registry by pipeline/warehouse/dbt_sources.py: do not edit. #}
{# The raw sources of the registry: dq.file_ledger and dq.rejected_rows union their staging tables. #}
{% macro raw_sources() %}{{ return(['participation', 'potential', 'rentan', 'statements', 'targets', 'workforce']) }}{% endmacro %}
{# The sources whose totals rows dq.stated_totals compares with their loaded rows. #}
{% macro totals_sources() %}{{ return([{'name': 'participation', 'value': 'active_participants', 'dimensions': ['period', 'segment']}, {'name': 'workforce', 'value': 'employed', 'dimensions': ['year']}]) }}{% endmacro %}
