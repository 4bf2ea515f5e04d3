{# Figures and months as an Indonesian reader writes them: 1.234.567 and 49,90; "Maret 2025". #}
{% macro id_number(value, decimals=0) -%}
translate(format('{:,.{}f}', ({{ value }})::DOUBLE, {{ decimals }}), ',.', '.,')
{%- endmacro %}

{% macro id_month(period) -%}
(['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'][month({{ period }})] || ' ' || year({{ period }}))
{%- endmacro %}

{# Decimals a stated precision shows: 0.5 -> 0, 0.005 -> 2. #}
{% macro decimals_of(precision) -%}
greatest(0, round(-log10(2 * coalesce({{ precision }}, 0.005))))::INTEGER
{%- endmacro %}
