{#- What PostgreSQL needs to plan the project's joins well, and DuckDB does not: statistics
    right after a build, and indexes. Both are configured once in dbt_project.yml. -#}

{#- Post-hook of every model: ANALYZE a table just built (PostgreSQL). Without it a new table has
    no statistics until autovacuum visits it, and the next model's plan guesses a hundred-odd rows
    where there are millions. DuckDB keeps its statistics as it writes: nothing to do. -#}
{% macro analyze_built_relation() %}
    {{ return(adapter.dispatch('analyze_built_relation', 'kinerja')()) }}
{% endmacro %}

{% macro default__analyze_built_relation() %}{% endmacro %}

{% macro postgres__analyze_built_relation() %}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{% endmacro %}

{#- The `indexes` model config is for PostgreSQL. dbt-duckdb would build them as ART indexes,
    which DuckDB's hash joins and scans do not use and every insert must maintain. -#}
{% macro duckdb__get_create_index_sql(relation, index_dict) %}
    {{ return(none) }}
{% endmacro %}

{#- Pre-hook of every model: the session settings a model's build runs with on PostgreSQL, for
    its own transaction only (SET LOCAL). JIT compilation of a model's few hundred expressions
    cost 5-15 s per model and bought nothing on a build of seconds; the server's default
    work_mem (4 MB) sorts a day of punches on disk. Hash joins may take twice work_mem
    (hash_mem_multiplier), per node and per dbt thread: size `pg_work_mem` with the threads. -#}
{% macro build_session_settings() %}
    {{ return(adapter.dispatch('build_session_settings', 'kinerja')()) }}
{% endmacro %}

{% macro default__build_session_settings() %}{% endmacro %}

{% macro postgres__build_session_settings() %}
    {%- if config.get('materialized') in ('table', 'incremental') -%}
        set local jit = off; set local work_mem = '{{ var("pg_work_mem") }}'
    {%- endif -%}
{% endmacro %}
