{# No two rows of the model share the key: returns each repeated key with its number of copies. #}
{% test unique_key(model, columns) %}
SELECT {{ columns | join(', ') }}, count(*) AS copies
FROM {{ model }}
GROUP BY {{ columns | join(', ') }}
HAVING count(*) > 1
{% endtest %}
