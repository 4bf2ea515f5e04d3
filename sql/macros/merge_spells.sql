{#- The one gaps-and-islands rule of the roster models: rows of one partition (a worker in one cell) that overlap or
    follow on are one spell. `rows` is a relation with start_period and end_period; a row opens a new spell when it
    starts after the month following everything listed before it. Returns the partition columns, start_period,
    end_period and roster_rows (the rows merged) per spell. -#}
{% macro merge_spells(rows, partition) %}
    SELECT {{ partition | join(', ') }}, min(start_period) AS start_period, max(end_period) AS end_period,
           count(*) AS roster_rows
    FROM (
        -- Among rows with the same months only the first can open a spell, and it must come first here too: with
        -- the order of ties left to the engine, two threads could split one spell in two.
        SELECT *, sum(opens_spell::INTEGER) OVER (PARTITION BY {{ partition | join(', ') }}
                                                  ORDER BY start_period, end_period, opens_spell DESC
                                                  ROWS UNBOUNDED PRECEDING) AS spell
        FROM (
            SELECT *, coalesce(start_period > max(end_period) OVER (
                                   PARTITION BY {{ partition | join(', ') }} ORDER BY start_period, end_period
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + INTERVAL 1 MONTH, true) AS opens_spell
            FROM {{ rows }}
        )
    )
    GROUP BY {{ partition | join(', ') }}, spell
{% endmacro %}
