{#- Data tests on the big facts scan only the new slice on most nights, and everything on a
    schedule. A model opts in with `meta: {irisan_uji: "<filter with __awal_irisan__>"}` (and
    `kunci_uji: [columns of its key]`); then every generic test on it reads only the rows that
    filter keeps, with __awal_irisan__ the first day of the slice (macro awal_irisan_uji).
    Exempt, and so checked in full every night: key tests (unique, unique_combination), singular
    tests, and tests with their own `where`; column_constraints reads its key columns in full and
    applies the slice to the others itself. Contracts are enforced when the model is built,
    whatever the slice.
    Overrides dbt's get_where_subquery, the documented hook for custom `where` logic. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where and not uji_penuh() -%}
        {%- set where = irisan_uji_model() -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where | replace('__awal_irisan__', awal_irisan_uji()) }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- The slice filter of the model this test is attached to, or '' for a key test or a model
    that does not opt in. -#}
{% macro irisan_uji_model() -%}
    {%- set test = model.get('test_metadata') or {} if model is mapping else {} -%}
    {%- if test.get('name', '') in ('unique', 'unique_combination', 'column_constraints') -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set node = node_yang_diuji() -%}
    {%- do return(node.config.meta.get('irisan_uji', '') if node else '') -%}
{%- endmacro %}


{#- The model, seed or snapshot this test is attached to (from the graph), or none. -#}
{% macro node_yang_diuji() -%}
    {%- set attached = model.get('attached_node') if model is mapping else none -%}
    {%- do return(graph.nodes.get(attached) if attached else none) -%}
{%- endmacro %}


{#- The node's slice filter with its first day filled in, or '' on a full-test night or for a
    node that does not opt in. -#}
{% macro irisan_uji_filter(node) -%}
    {%- set where = node.config.meta.get('irisan_uji', '') if node and not uji_penuh() else '' -%}
    {%- do return(where | replace('__awal_irisan__', awal_irisan_uji()) if where else '') -%}
{%- endmacro %}


{#- The node's column constraints, in the order of its yml, each as the count of rows that break
    it: `not_null` (the column is NULL), `check` (its expression is false; NULL passes, as in the
    database) and `unique` (rows beyond the first of a value; NULLs aside, as dbt's unique test).
    A `unique` rule is a key rule: it reads the whole model, never the nightly slice. -#}
{% macro aturan_kolom(node) -%}
    {%- set rules = [] -%}
    {%- for column in node.columns.values() -%}
        {%- for constraint in column.constraints -%}
            {%- if constraint.type == 'not_null' -%}
                {%- do rules.append({'kolom': column.name, 'aturan': 'not_null', 'gagal': column.name ~ ' is null'}) -%}
            {%- elif constraint.type == 'check' -%}
                {%- do rules.append({'kolom': column.name, 'aturan': constraint.expression, 'gagal': 'not (' ~ constraint.expression ~ ')'}) -%}
            {%- elif constraint.type == 'unique' -%}
                {%- do rules.append({'kolom': column.name, 'aturan': 'unique', 'kunci': true,
                    'hitung': 'count(' ~ column.name ~ ') - count(distinct ' ~ column.name ~ ')'}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do return(rules) -%}
{%- endmacro %}


{#- Everything is tested: when var `uji_penuh` (or env KINERJA_DBT_UJI_PENUH) is true, and on the
    weekly and monthly schedule: the night whose date (var `tanggal_malam`, else the run's start
    in WIB) is a Sunday or the 1st of a month. -#}
{% macro uji_penuh() -%}
    {%- set forced = var('uji_penuh', env_var('KINERJA_DBT_UJI_PENUH', 'false')) -%}
    {%- if forced | string | lower in ('true', '1', 'yes') -%}
        {%- do return(true) -%}
    {%- endif -%}
    {%- set night = var('tanggal_malam', none) -%}
    {%- if night -%}
        {%- set night = modules.datetime.date.fromisoformat(night | string) -%}
    {%- else -%}
        {%- set night = (run_started_at + modules.datetime.timedelta(hours=7)).date() -%}
    {%- endif -%}
    {%- do return(night.isoweekday() == 7 or night.day == 1) -%}
{%- endmacro %}


{#- First day of the nightly slice: the lookback window (var presensi_lookback_hari) before the
    newest delivered presensi date, the days an incremental run always rebuilds. From the data,
    not the wall clock, so that a catch-up or a replayed night tests what it built; from the raw
    layer, upstream of every sliced model, so that it exists whichever model `dbt build` tests
    first. Late rows of older days are tested by the scheduled full run.
    Read when the test runs and written into it as a date: both engines push a constant filter
    through a view's version window (and PostgreSQL prunes partitions with it), where a subquery
    made every sliced test of a versioned staging model rank the whole history. -#}
{% macro awal_irisan_uji() -%}
    {%- set raw = graph.sources['source.' ~ project_name ~ '.presensi.presensi'] -%}
    {%- set first_day -%}
        select {{ add_days('max(_extraction_date)', -1 * var('presensi_lookback_hari')) }} from {{ raw.relation_name }}
    {%- endset -%}
    {%- if not execute -%}
        {{- return('(' ~ first_day ~ ')') -}}
    {%- endif -%}
    {%- set found = run_query(first_day).columns[0].values()[0] -%}
    {%- if found is none -%}
        {{- return('cast(null as date)') -}}
    {%- endif -%}
    {{- return("cast('" ~ (found | string)[:10] ~ "' as date)") -}}
{%- endmacro %}
