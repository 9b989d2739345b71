{#- Whether `date_expression` falls in the `months` months up to and including `end_date`: the
    look-back window of the point-in-time features and the talent pool (training in the last 12
    months, sanctions in the last 24). -#}
{% macro dalam_bulan_terakhir(date_expression, end_date, months) -%}
    ({{ date_expression }} <= {{ end_date }}
        and {{ date_expression }} > {{ add_months(end_date, -1 * months) }})
{%- endmacro %}
