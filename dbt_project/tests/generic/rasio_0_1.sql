{#- Rates and shares lie within 0..1. NULL is allowed (a rate with nothing to divide by). -#}
{% test rasio_0_1(model, column_name) %}
select {{ column_name }} as rasio_di_luar_0_1
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}
