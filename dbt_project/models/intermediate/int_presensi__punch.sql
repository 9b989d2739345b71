-- Every distinct punch as an instant (UTC) and as local time in the employee's unit, with the
-- device, the position (MOBILE), whether it lies outside the unit's geofence, and the unit's
-- office and radius: the grain the attendance warnings reason on, and what int_presensi__harian
-- aggregates per day. An offset-less punch is wall-clock time in the unit's zone; the same
-- instant delivered twice (or written with another offset) counts once. The unit is the one
-- valid on the punch's day (int_unit_kerja__riwayat): a later change of a unit's zone or
-- office must not rewrite how late people were, or where they were, before it.
-- Geofence: a MOBILE punch farther from the unit's office than its radius_presensi_m, or
-- without coordinates, is outside (a fingerprint/face terminal is fixed: never).

{{
    config(
        materialized='incremental',
        unique_key='tanggal',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
-- Incremental, so that the nightly cost follows the new day and not the history: placing
-- millions of punches in their unit's history is the night's most expensive step. A run
-- rebuilds from `first_day`, the earliest day touched by punches loaded since the previous run (one day earlier: written and local dates can differ across zones) or
-- the lookback window, whichever is earlier; a punch is delivered on or after its day, so only
-- raw rows extracted from `first_day` - 1 on are read.
{#- The day whose employee state (unit, so zone and office) places a punch. Without offset the
    written date is the local date. With one, the local date depends on the zone the unit
    gives: read the instant at UTC+8 (WITA, the middle zone), which is the local date in every
    zone except within an hour of midnight. The written date would place a phone punch of
    07:26 WITA written as 23:26Z the day before, in last week's unit on the day of a move. #}
{%- set placement_date -%}
    case
        when punches.offset_menit_tertulis is null then cast(punches.waktu_tertulis as date)
        else cast({{ dbt.dateadd('minute', '8 * 60 - punches.offset_menit_tertulis', 'punches.waktu_tertulis') }} as date)
    end
{%- endset %}

with
{{ incremental_punches() }},

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

units as (

    select * from {{ ref('int_unit_kerja__riwayat') }}

),

zones as (

    select * from {{ ref('zona_waktu') }}

),

placed as (

    select
        punches.nip,
        punches.sumber,
        punches.id_perangkat,
        punches.lat,
        punches.lon,
        employee_history.kode_unit,
        units.lat as lat_unit,
        units.lon as lon_unit,
        units.radius_presensi_m,
        case
            when coalesce(punches.sumber, '') <> 'MOBILE' or units.radius_presensi_m is null
                or units.lat is null or units.lon is null then false
            when punches.lat is null or punches.lon is null then true
            else {{ haversine_m('units.lat', 'units.lon', 'punches.lat', 'punches.lon') }}
                > units.radius_presensi_m
        end as luar_geofence,
        zones.utc_offset_jam,
        {{ to_utc('punches.waktu_tertulis', 'coalesce(punches.offset_menit_tertulis, zones.utc_offset_jam * 60)') }} as waktu_utc,
        punches._extraction_date,
        punches._loaded_at,
        punches._row_number
    from punches
    {{ join_unit_pada_hari('inner', 'punches.nip', placement_date) }}
    inner join zones
        on units.zona_waktu = zones.zona_waktu

),

distinct_punches as (

    -- the first delivery of an instant wins (its device and position)
    select
        *,
        row_number() over (
            partition by nip, waktu_utc
            order by _extraction_date, _loaded_at, _row_number
        ) as repeat_rank
    from placed

),

local_punches as (

    select
        nip,
        waktu_utc,
        {{ to_local_time('waktu_utc', 'utc_offset_jam') }} as waktu_lokal,
        cast({{ to_local_time('waktu_utc', 'utc_offset_jam') }} as date) as tanggal,
        sumber,
        id_perangkat,
        lat,
        lon,
        kode_unit,
        lat_unit,
        lon_unit,
        radius_presensi_m,
        luar_geofence,
        _loaded_at as _dimuat_pada
    from distinct_punches
    where repeat_rank = 1

)

select * from local_punches
{% if is_incremental() %}
where tanggal >= (select first_day from rebuild)
{% endif %}
