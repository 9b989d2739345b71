{#- Every column constraint the resource's yml declares holds on its rows, checked in one query:
    `not_null`, and `check` (an SQL condition on the column: a range, the accepted codes). One test
    node per column cost dbt ~50 ms each whatever the data (over 400 of a night's ~750 nodes).
    A NULL passes a check, as in the database. A failing row names the column, the rule and how
    many rows break it.
    Key columns (meta kunci_uji) are read in full every night; the others only in the nightly
    slice, as every other test on a sliced model (macro irisan_uji_filter). Where a model's
    contract is enforced, the database checks the same constraints when the model is built. -#}
{% test column_constraints(model) %}
{#- While dbt parses, the graph holds no columns: any query on the model will do. -#}
{%- if not execute -%}
select 'kolom' as kolom, 'aturan' as aturan, 0 as baris_gagal from {{ model }} where 1 = 0
{%- else -%}
{%- set node = node_yang_diuji() -%}
{%- set rules = aturan_kolom(node) -%}
{%- if not rules -%}
    {{ exceptions.raise_compiler_error(node.unique_id ~ " has the column_constraints test but no column with a not_null or check constraint") }}
{%- endif -%}
{%- set slice = irisan_uji_filter(node) -%}
{%- set keys = node.config.meta.get('kunci_uji', []) -%}
{%- set reads_keys = rules | selectattr('kolom', 'in', keys) | list -%}
with broken as (
    select
    {%- for rule in rules %}
        sum(case when {{ rule.gagal }}
            {%- if slice and rule.kolom not in keys %} and ({{ slice }}){% endif %} then 1 else 0 end) as gagal_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    from {{ model }}
    {%- if slice and not reads_keys %}
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
