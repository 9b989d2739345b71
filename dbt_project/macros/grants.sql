{#- Who may read a mart (README "Warehouse roles"; the roles are created by
    `kinerja warehouse roles`, kinerja/warehouse/roles.py). The rule reads each relation's own
    declaration, `meta: {akses: terbatas}` in its yml, and the exposures, so no list of marts is
    kept here: HR reads every mart; BI and auditors only those not restricted; the ML steps those
    an exposure of type ml depends on. PostgreSQL only: DuckDB has no roles (the file's
    permissions protect it). -#}
{% macro akses_grants(node) %}
    {%- if target.type != 'postgres' -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set readers = ['kinerja_hr'] -%}
    {%- if (node.config.meta or {}).get('akses') != 'terbatas' -%}
        {%- do readers.extend(['kinerja_bi', 'kinerja_auditor']) -%}
    {%- endif -%}
    {%- for exposure in graph.exposures.values() -%}
        {%- if exposure.type == 'ml' and node.unique_id in exposure.depends_on.nodes -%}
            {%- do readers.append('kinerja_ml') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({'select': readers | unique | list}) }}
{% endmacro %}

{#- Post-hook of every mart. dbt's own grants machinery, fed per relation: on a relation that
    existed (an incremental mart) it revokes what the rule no longer allows, so a mart that
    becomes restricted loses its BI readers on the next build. It runs inside the build's
    transaction: a rebuilt table is never visible with other grants than these. -#}
{% macro grant_by_akses() %}
    {%- if execute and target.type == 'postgres' -%}
        {%- do apply_grants(this, akses_grants(model), should_revoke=True) -%}
    {%- endif -%}
{% endmacro %}

{#- on-run-end: the same rule for the tables Python writes into the marts (sources `publish`,
    declared with their akses meta), once they exist. -#}
{% macro grant_publish_tables() %}
    {%- if execute and target.type == 'postgres' -%}
        {%- for node in graph.sources.values() if node.source_name == 'publish' -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.identifier) -%}
            {%- if relation is not none -%}
                {%- do apply_grants(relation, akses_grants(node), should_revoke=True) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
