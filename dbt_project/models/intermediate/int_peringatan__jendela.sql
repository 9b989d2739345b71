-- The window the attendance warnings rebuild tonight: one row, `awal`, the first local day whose
-- day-level findings can differ from the ones already built, and `_dimuat_pada`, the newest raw
-- load time this night sees (the watermark mart_peringatan_presensi_tanda_air keeps once the
-- warnings are built). `awal` is the earliest day touched by punches, employee snapshots or
-- leave versions loaded since the last night whose warnings were built and tested (macro
-- hari_pertama_berubah over that watermark), or the lookback window before the newest punch
-- day, whichever is earlier. Without a kept watermark (a new installation) it is the first day
-- of the data: everything is rebuilt.
-- One model computes it once a night for every warning model, and it must be a table: the rules
-- delete and insert by it, and both must see the same day.
-- The watermark is kept in a separate model built after the mart (not here) so that it only
-- moves forward once the night's warnings exist: a night failing between the rules and the mart
-- leaves it where it was, and the next night rebuilds those days again.

{{ config(materialized='table') }}
-- hari_pertama_berubah also reads the rosters loaded since (a shift moves a punch's day): dbt
-- must build them first, also when only the warnings are selected.
-- depends_on: {{ ref('stg_simpeg__jadwal_shift') }}

{%- set punches = ref('int_presensi__punch') %}
{%- set kept = none %}
{%- if execute %}
    {%- set state = graph.nodes['model.' ~ project_name ~ '.mart_peringatan_presensi_tanda_air'] %}
    {%- set kept = adapter.get_relation(database=state.database, schema=state.schema, identifier=state.alias) %}
{%- endif %}
{%- set watermark = '(select _dimuat_pada from ' ~ kept ~ ')' if kept else "cast('1900-01-01' as timestamp)" %}

with loads as (

    select max(_loaded_at) as _dimuat_pada from {{ source('presensi', 'presensi') }}
    union all
    select max(_loaded_at) from {{ source('simpeg', 'pegawai') }}
    union all
    select max(_loaded_at) from {{ source('simpeg', 'izin') }}

)

select
    {% if execute -%}
    least(
        {{ hari_pertama_berubah('coalesce(' ~ watermark ~ ", cast('1900-01-01' as timestamp))") }},
        coalesce(
            (
                select {{ add_days('max(tanggal)', -1 * var('presensi_lookback_hari')) }}
                from {{ punches }}
            ),
            cast('1900-01-01' as date)
        )
    )
    {%- else -%}
    cast(null as date)
    {%- endif %} as awal,
    (select max(_dimuat_pada) from loads) as _dimuat_pada
