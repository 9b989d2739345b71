{#- delete+insert on DuckDB the way dbt-core writes it for every other adapter: delete the rows
    whose key is among the new rows' keys (a semi-join), then insert. dbt-duckdb deletes by a
    composite unique_key with DELETE ... USING the new rows, a join that pairs every old row with
    every new row of the same key: a month of 100,000 employees keyed by (tahun, bulan) made
    10^10 pairs, 275 s of a 100 k increment (fct_potongan_tukin). -#}
{% macro duckdb__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
    {{ default__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) }}
{%- endmacro %}
