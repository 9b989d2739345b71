{#- Row-level security on the restricted marts (PostgreSQL): HR readers and employees see the
    employees in their scope, the ML steps every row (README "Row-level access"). The policies
    are the function `akses.lindungi_baris`, created with the roles by `kinerja warehouse roles`
    (kinerja/warehouse/roles.py), and re-applied here on every build because a rebuilt table
    starts without them. A warehouse whose roles were never created has no such function and
    builds as before. -#}
{% macro protect_restricted_rows() %}
    {%- if execute and target.type == 'postgres' and is_restricted(model) -%}
        {%- set found = run_query("select to_regprocedure('akses.lindungi_baris(regclass)') is not null") -%}
        {%- if found.columns[0].values()[0] -%}
            {%- do run_query("select akses.lindungi_baris('" ~ this ~ "'::regclass)") -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
