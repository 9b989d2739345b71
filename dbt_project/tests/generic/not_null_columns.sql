{#- Every column the resource declares `constraints: [{type: not_null}]` holds a value, checked in
    one query: one test node per column cost dbt ~50 ms each whatever the data (331 of a night's
    ~750 nodes). A failing row names the column and how many of its rows are NULL.
    Key columns (meta kunci_uji) are read in full every night; the others only in the nightly
    slice, as every other test on a sliced model (macro irisan_uji_filter). -#}
{% test not_null_columns(model) %}
{#- While dbt parses, the graph holds no columns: any query on the model will do. -#}
{%- if not execute -%}
select 'kolom' as kolom, 0 as baris_null from {{ model }} where 1 = 0
{%- else -%}
{%- set node = node_yang_diuji() -%}
{%- set columns = kolom_wajib_terisi(node) -%}
{%- if not columns -%}
    {{ exceptions.raise_compiler_error(node.unique_id ~ " has the not_null_columns test but no column with constraints: [{type: not_null}]") }}
{%- endif -%}
{%- set slice = irisan_uji_filter(node) -%}
{%- set keys = node.config.meta.get('kunci_uji', []) -%}
with null_counts as (
    select
    {%- for column in columns %}
        sum(case when {{ column }} is null
            {%- if slice and column not in keys %} and ({{ slice }}){% endif %} then 1 else 0 end) as null_{{ loop.index }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
    from {{ model }}
    {%- if slice and not (columns | select('in', keys) | list) %}
    where {{ slice }}
    {%- endif %}
)

{% for column in columns -%}
select '{{ column }}' as kolom, null_{{ loop.index }} as baris_null from null_counts where null_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}
{%- endif %}
{% endtest %}
