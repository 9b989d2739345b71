{#- The combination of `columns` identifies at most one row. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as jumlah_baris
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
