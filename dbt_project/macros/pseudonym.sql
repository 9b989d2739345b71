{#- Pseudonymous employee key for BI marts: md5(secret || nip). The secret comes from
    KINERJA_PSEUDONYM_KEY and never lands in a table; without it the key cannot be recomputed
    from a NIP (which encodes birth date and sex and is too guessable to hash unkeyed). -#}
{% macro pseudonym_key(nip_column) -%}
    {%- set secret = env_var('KINERJA_PSEUDONYM_KEY', 'kinerja-demo-key-change-me') | replace("'", "''") -%}
    {{ dbt.hash(dbt.concat(["'" ~ secret ~ "'", nip_column])) }}
{%- endmacro %}
