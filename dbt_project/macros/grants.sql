{#- Who may read what dbt builds on PostgreSQL (README "Warehouse roles"; the roles are created by
    `kinerja warehouse roles`, kinerja/warehouse/roles.py). DuckDB has no roles: its file's
    permissions protect it, and these macros do nothing there. -#}

{#- The readers of a mart, from its own declaration (`meta: {akses: terbatas}` in its yml) and
    the exposures, so that no list of marts is kept here: HR reads every mart; BI and auditors
    those not restricted; employees (their own logins, and the card acting for one) the
    restricted ones, where row-level security (macros/row_level_security.sql) leaves them their
    own rows; the ML steps those an exposure of type ml depends on. -#}
{% macro is_restricted(node) %}
    {{ return((node.config.meta or {}).get('akses') == 'terbatas') }}
{% endmacro %}

{% macro akses_readers(node) %}
    {%- set readers = ['kinerja_hr'] -%}
    {%- if is_restricted(node) -%}
        {%- do readers.append('kinerja_pegawai') -%}
    {%- else -%}
        {%- do readers.extend(['kinerja_bi', 'kinerja_auditor']) -%}
    {%- endif -%}
    {%- for exposure in graph.exposures.values() -%}
        {%- if exposure.type == 'ml' and node.unique_id in exposure.depends_on.nodes -%}
            {%- do readers.append('kinerja_ml') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(readers) }}
{% endmacro %}

{#- dbt's own grants machinery (apply_grants): on a relation that existed (an incremental mart,
    a seed) it also revokes what is no longer allowed, so a mart that becomes restricted loses
    its BI readers on the next build. Roles not created yet are left out: a warehouse where
    `kinerja warehouse roles` never ran builds as before, granting nothing. -#}
{% macro grant_select(relation, readers) %}
    {%- set quoted = [] -%}
    {%- for reader in readers -%}{%- do quoted.append("'" ~ reader ~ "'") -%}{%- endfor -%}
    {%- set found = run_query("select rolname from pg_roles where rolname in (" ~ quoted | join(", ") ~ ")") -%}
    {%- set existing = found.columns[0].values() -%}
    {%- set granted = readers | select('in', existing) | unique | list -%}
    {%- do apply_grants(relation, {'select': granted} if granted else {}, should_revoke=True) -%}
{% endmacro %}

{#- Post-hook of every mart: inside the build's transaction, so a rebuilt table is never visible
    with other grants than these. -#}
{% macro grant_by_akses() %}
    {%- if execute and target.type == 'postgres' -%}
        {%- do grant_select(this, akses_readers(model)) -%}
    {%- endif -%}
{% endmacro %}

{#- Post-hook of a layer whose readers are the same for every relation in it. -#}
{% macro grant_readers(readers) %}
    {%- if execute and target.type == 'postgres' -%}
        {%- do grant_select(this, readers) -%}
    {%- endif -%}
{% endmacro %}

{#- on-run-end: the marts' rule for the tables Python writes into marts (sources `publish`,
    declared with their akses meta), once they exist. -#}
{% macro grant_publish_tables() %}
    {%- if execute and target.type == 'postgres' -%}
        {%- for node in graph.sources.values() if node.source_name == 'publish' -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.identifier) -%}
            {%- if relation is not none -%}
                {%- do grant_select(relation, akses_readers(node)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
