{#- The trend model's settings, in one place (README "One trend model"): marts.projection_backtest and
    marts.target_progress read them, so the range that was measured is the range that is given. -#}

{#- Fewest errors at a horizon from which its 10th and 90th percentiles are taken. -#}
{% macro projection_min_errors() %}10{% endmacro %}

{#- The narrowest half-range, as a share of the latest value: a series that was a straight line so far is not
    promised to stay one. -#}
{% macro projection_min_half_width() %}0.005{% endmacro %}

{#- The status of an open target from its chance of being reached: on_track from 70%, at_risk from 30%. -#}
{% macro status_from_probability(probability) -%}
CASE WHEN {{ probability }} >= 0.7 THEN 'on_track' WHEN {{ probability }} >= 0.3 THEN 'at_risk' ELSE 'off_track' END
{%- endmacro %}
