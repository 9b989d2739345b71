{#- A BPS region code: 2 digits (province) or 4 digits (regency or city). NULL is allowed. -#}
{% test kode_wilayah(model, column_name) %}
select {{ column_name }} as kode_wilayah_salah
from {{ model }}
where {{ column_name }} is not null
  and (length({{ column_name }}) not in (2, 4)
       or length(translate({{ column_name }}, '0123456789', '')) > 0)
{% endtest %}
