{#- Minutes and counts that cannot be below zero. NULL is allowed (use not_null for that). -#}
{% test non_negative(model, column_name) %}
select {{ column_name }} as nilai_negatif
from {{ model }}
where {{ column_name }} < 0
{% endtest %}
