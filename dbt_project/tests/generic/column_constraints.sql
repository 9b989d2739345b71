{#- Every column constraint the resource's yml declares holds on its rows, checked in one query:
    `not_null`; `check`, an SQL condition on the column (a range, the accepted codes); `unique`.
    One test node per column and rule cost dbt ~50 ms each whatever the data (over 500 of a
    night's ~750 nodes). A failing row names the column and the rule and counts the rows that
    break it (macro aturan_kolom).
    Key columns (meta kunci_uji) and unique rules are read in full every night; the other rules
    only in the nightly slice, as every other test on a sliced model (macro irisan_uji_filter).
    Where a model's contract is enforced, the database checks its constraints when it is built. -#}
{% test column_constraints(model) %}
{#- While dbt parses, the graph holds no columns: any query on the model will do. -#}
{%- if not execute -%}
select 'kolom' as kolom, 'aturan' as aturan, 0 as baris_gagal from {{ model }} where 1 = 0
{%- else -%}
{%- set node = node_yang_diuji() -%}
{%- set rules = aturan_kolom(node) -%}
{%- if not rules -%}
    {{ exceptions.raise_compiler_error(node.unique_id ~ " has the column_constraints test but no column with a not_null, check or unique constraint") }}
{%- endif -%}
{%- set slice = irisan_uji_filter(node) -%}
{%- set keys = node.config.meta.get('kunci_uji', []) -%}
{%- set reads_all = [] -%}
{%- for rule in rules if rule.get('kunci') or rule.kolom in keys -%}
    {%- do reads_all.append(rule) -%}
{%- endfor -%}
with broken as (
    select
    {%- for rule in rules %}
        {% if rule.get('hitung') -%}
        {{ rule.hitung }}
        {%- else -%}
        sum(case when {{ rule.gagal }}
            {%- if slice and rule.kolom not in keys %} and ({{ slice }}){% endif %} then 1 else 0 end)
        {%- endif %} as gagal_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    from {{ model }}
    {%- if slice and not reads_all %}
    where {{ slice }}
    {%- endif %}
)

{% for rule in rules -%}
select '{{ rule.kolom }}' as kolom, '{{ rule.aturan | replace("'", "''") }}' as aturan, gagal_{{ loop.index }} as baris_gagal
from broken where gagal_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}
{%- endif %}
{% endtest %}
