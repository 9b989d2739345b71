-- Punches become one row per employee and local day: first punch (arrival), last punch
-- (departure), and minutes late / early against the unit's working hours. The unit (its zone,
-- office and agency) is the one valid on the punch's day (int_unit_kerja__riwayat).
-- Steps: place each punch in its unit's zone (an offset-less punch is wall-clock time there),
-- turn it into an instant, drop repeated punches of the same instant, read it in local time,
-- then aggregate per local day and compare with the schedule of that weekday (the RAMADAN
-- hours of `jam_kerja` on the calendar's Ramadan days, NORMAL hours otherwise).
-- Geofence: a MOBILE punch farther from the unit's office than its radius_presensi_m, or
-- without coordinates, is counted as outside (a fingerprint/face terminal is fixed: never).

{{
    config(
        materialized='incremental',
        unique_key='tanggal',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
-- Incremental, so that the nightly cost follows the new day and not the history: a run rebuilds
-- from `first_day`, the earliest day touched by punches loaded since the previous run (one day
-- earlier: a punch's written date and local date can differ by one across zones) or the
-- lookback window, whichever is earlier. A punch is delivered on or after its day, so every
-- punch of a day from `first_day` on has an extraction date from `first_day` - 1 on: only those
-- raw rows are read (a filter on a raw column, pushed down through the staging view).
{%- set jadwal = "case when calendar.ramadan then 'RAMADAN' else 'NORMAL' end" %}

with
{{ incremental_punches() }},

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

units as (

    -- the unit as it stood on the day (zone, office, geofence): a later change of a unit's
    -- zone must not rewrite how late people were before it
    select * from {{ ref('int_unit_kerja__riwayat') }}

),

zones as (

    select * from {{ ref('zona_waktu') }}

),

working_hours as (

    select * from {{ ref('jam_kerja') }}

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}

),

punches_with_zone as (

    select
        punches.nip,
        punches.waktu_tertulis,
        punches.offset_menit_tertulis,
        zones.utc_offset_jam,
        case
            when coalesce(punches.sumber, '') <> 'MOBILE' or units.radius_presensi_m is null
                or units.lat is null or units.lon is null then false
            when punches.lat is null or punches.lon is null then true
            else {{ haversine_m('units.lat', 'units.lon', 'punches.lat', 'punches.lon') }}
                > units.radius_presensi_m
        end as luar_geofence,
        punches._extraction_date,
        punches._loaded_at,
        punches._row_number
    from punches
    inner join employee_history
        on punches.nip = employee_history.nip
        and cast(punches.waktu_tertulis as date) >= employee_history.berlaku_mulai
        and cast(punches.waktu_tertulis as date) < employee_history.berlaku_sampai
    inner join units
        on employee_history.kode_unit = units.kode_unit
        and cast(punches.waktu_tertulis as date) >= units.berlaku_mulai
        and cast(punches.waktu_tertulis as date) < units.berlaku_sampai
    inner join zones
        on units.zona_waktu = zones.zona_waktu

),

punch_instants as (

    select
        *,
        {{ to_utc('waktu_tertulis', 'coalesce(offset_menit_tertulis, utc_offset_jam * 60)') }} as waktu_utc
    from punches_with_zone

),

distinct_punches as (

    -- the same punch delivered twice (or written with another offset) counts once
    select
        *,
        row_number() over (
            partition by nip, waktu_utc
            order by _extraction_date, _loaded_at, _row_number
        ) as repeat_rank
    from punch_instants

),

local_punches as (

    select
        nip,
        waktu_utc,
        {{ to_local_time('waktu_utc', 'utc_offset_jam') }} as waktu_lokal,
        luar_geofence,
        _loaded_at
    from distinct_punches
    where repeat_rank = 1

),

daily as (

    select
        nip,
        cast(waktu_lokal as date) as tanggal,
        min(waktu_lokal) as jam_masuk,
        max(waktu_lokal) as jam_terakhir,
        count(*) as jumlah_punch,
        cast(sum(case when luar_geofence then 1 else 0 end) as integer) as jumlah_punch_luar_geofence,
        max(_loaded_at) as _dimuat_pada
    from local_punches
    group by nip, cast(waktu_lokal as date)

),

daily_with_schedule as (

    select
        daily.*,
        employee_history.kode_unit,
        units.zona_waktu,
        {{ jadwal }} as jadwal,
        daily.tanggal + coalesce(agency_hours.jam_masuk, default_hours.jam_masuk) as jadwal_masuk,
        daily.tanggal + coalesce(agency_hours.jam_pulang, default_hours.jam_pulang) as jadwal_pulang
    from daily
    left join calendar
        on daily.tanggal = calendar.tanggal
    left join employee_history
        on daily.nip = employee_history.nip
        and daily.tanggal >= employee_history.berlaku_mulai
        and daily.tanggal < employee_history.berlaku_sampai
    left join units
        on employee_history.kode_unit = units.kode_unit
        and daily.tanggal >= units.berlaku_mulai
        and daily.tanggal < units.berlaku_sampai
    left join working_hours as agency_hours
        on agency_hours.instansi = units.instansi
        and agency_hours.jadwal = {{ jadwal }}
        and agency_hours.hari_iso = {{ iso_weekday('daily.tanggal') }}
    left join working_hours as default_hours
        on default_hours.instansi = '*'
        and default_hours.jadwal = {{ jadwal }}
        and default_hours.hari_iso = {{ iso_weekday('daily.tanggal') }}

)

select
    nip,
    tanggal,
    kode_unit,
    zona_waktu,
    jadwal,
    jam_masuk,
    -- direction is not delivered: with a single punch there is no departure
    case when jumlah_punch > 1 then jam_terakhir end as jam_pulang,
    jadwal_masuk,
    jadwal_pulang,
    -- whole minutes; a punch within the first minute after the start is on time
    -- (no schedule, e.g. a Saturday punch: no minutes; greatest() would turn NULL into 0)
    case
        when jadwal_masuk is not null then greatest({{ minutes_between('jadwal_masuk', 'jam_masuk') }}, 0)
    end as menit_terlambat,
    case
        when jumlah_punch > 1 and jadwal_pulang is not null
            then greatest({{ minutes_between('jam_terakhir', 'jadwal_pulang') }}, 0)
    end as menit_pulang_cepat,
    case
        when jumlah_punch > 1 then {{ minutes_between('jam_masuk', 'jam_terakhir') }}
    end as menit_kerja,
    jumlah_punch,
    jumlah_punch_luar_geofence,
    _dimuat_pada
from daily_with_schedule
{% if is_incremental() %}
where tanggal >= (select first_day from rebuild)
{% endif %}
