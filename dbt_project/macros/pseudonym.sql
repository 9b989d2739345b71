{#- Pseudonymous employee key for BI marts: md5(secret || nip). Without the secret the key cannot
    be recomputed from a NIP (which encodes birth date and sex and is too guessable to hash
    unkeyed). The secret is a session variable the connection sets (kinerja.pseudonym), never a
    literal: compiled SQL is shown in Airflow's rendered fields and kept in dbt's target folder. -#}
{% macro pseudonym_key(nip_column) -%}
    {%- set secret = adapter.dispatch('pseudonym_secret', 'kinerja')() -%}
    {%- if execute -%}{%- do require_pseudonym_secret(secret) -%}{%- endif -%}
    {{ dbt.hash(dbt.concat([secret, nip_column])) }}
{%- endmacro %}

{% macro default__pseudonym_secret() -%}
    getvariable('kinerja_pseudonym_key')
{%- endmacro %}

{% macro postgres__pseudonym_secret() -%}
    nullif(current_setting('kinerja.pseudonym_key', true), '')
{%- endmacro %}

{#- No default: a model hashed with a missing (or shared) secret would publish re-identifiable
    keys. The check reads only whether the session has the secret, never its value. -#}
{% macro require_pseudonym_secret(secret) -%}
    {%- set found = run_query("select " ~ secret ~ " is not null") -%}
    {%- if not found.columns[0].values()[0] -%}
        {{ exceptions.raise_compiler_error(
            "KINERJA_PSEUDONYM_KEY is not set for this dbt session: pegawai_key needs the "
            ~ "installation's secret. `kinerja` sets it; running dbt by hand, export "
            ~ "KINERJA_PSEUDONYM_KEY and on PostgreSQL also "
            ~ "PGOPTIONS=\"-c kinerja.pseudonym_key=$KINERJA_PSEUDONYM_KEY\"") }}
    {%- endif -%}
{%- endmacro %}
