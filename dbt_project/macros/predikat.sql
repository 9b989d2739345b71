{#- The staff of a group counted per predikat code (seed predikat: 1 Sangat Baik .. 5 Sangat
    Kurang), one column each, jumlah_<name>, in code order. `column` holds the code as text. -#}
{% macro jumlah_per_predikat(column) -%}
    {%- set names = ['sangat_baik', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang'] -%}
    {%- for name in names %}
        sum(case when {{ column }} = '{{ loop.index }}' then 1 else 0 end) as jumlah_{{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
