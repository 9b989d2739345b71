-- Punches become one row per employee and local day: first punch (arrival), last punch
-- (departure), and minutes late / early against the unit's working hours. The punches come
-- placed, de-duplicated and in local time from int_presensi__punch; the unit (its agency, so
-- its hours) is the one valid on the day (int_unit_kerja__riwayat), and the schedule is that
-- weekday's in the unit's working pattern (int_kalender__unit: five or six days): the RAMADAN
-- hours of `jam_kerja` on the calendar's Ramadan days, NORMAL otherwise.
-- A single punch is an arrival when it falls before the middle of the day's working hours and a
-- departure from the middle on (terminals do not deliver a direction): a lone afternoon punch is
-- a departure with its arrival missing, never an arrival hours late. `tanpa_rekam` names the
-- missing record (MASUK or PULANG) so that the tukin scheme's rule for it applies.
-- An employee of a SHIFT unit is measured against the delivered roster (int_kalender__jadwal_shift,
-- jadwal SHIFT): a punch within var shift_jendela_jam hours of one of their shifts (before its
-- start to after its end) belongs to that shift's day, the one whose start or end is nearer, so
-- a night shift's departure the next morning closes the night before; other punches belong to
-- their local day as for everyone else.

{{
    config(
        materialized='incremental',
        unique_key='tanggal',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
-- Incremental, so that the nightly cost follows the new day and not the history: a run rebuilds
-- the days from `first_day` (macro rebuild_days), the same days int_presensi__punch rebuilt
-- before it, and reads only those days' punches.
{%- set jadwal = "case when calendar.ramadan then 'RAMADAN' else 'NORMAL' end" %}

with
{% if is_incremental() %}
{{ rebuild_days() }},
{% endif %}

punches_read as (

    select * from {{ ref('int_presensi__punch') }}
    {% if is_incremental() %}
    -- a day earlier too: a night shift's departure lies on the next local day
    where tanggal >= (select {{ add_days('first_day', -1) }} from rebuild)
    {% endif %}

),

rosters as (

    select * from {{ ref('int_kalender__jadwal_shift') }}

),

roster_matches as (

    select
        punches_read.nip,
        punches_read.waktu_utc,
        rosters.tanggal,
        row_number() over (
            partition by punches_read.nip, punches_read.waktu_utc
            order by
                least(
                    abs({{ seconds_between('rosters.jadwal_masuk', 'punches_read.waktu_lokal') }}),
                    abs({{ seconds_between('punches_read.waktu_lokal', 'rosters.jadwal_pulang') }})
                ),
                rosters.tanggal
        ) as nearness
    from punches_read
    inner join rosters
        on punches_read.nip = rosters.nip
        and punches_read.waktu_lokal >= {{ dbt.dateadd('hour', -1 * var('shift_jendela_jam'), 'rosters.jadwal_masuk') }}
        and punches_read.waktu_lokal <= {{ dbt.dateadd('hour', var('shift_jendela_jam'), 'rosters.jadwal_pulang') }}

),

punches as (

    select
        punches_read.nip,
        coalesce(roster_matches.tanggal, punches_read.tanggal) as tanggal,
        punches_read.waktu_lokal,
        punches_read.luar_geofence,
        punches_read._dimuat_pada
    from punches_read
    left join roster_matches
        on punches_read.nip = roster_matches.nip
        and punches_read.waktu_utc = roster_matches.waktu_utc
        and roster_matches.nearness = 1

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

units as (

    select * from {{ ref('int_unit_kerja__riwayat') }}

),

working_hours as (

    select * from {{ ref('jam_kerja') }}

),

unit_calendars as (

    select * from {{ ref('int_kalender__unit') }}

),

calendar as (

    select * from {{ ref('int_kalender__tanggal') }}

),

daily as (

    select
        nip,
        tanggal,
        min(waktu_lokal) as jam_masuk,
        max(waktu_lokal) as jam_terakhir,
        count(*) as jumlah_punch,
        cast(sum(case when luar_geofence then 1 else 0 end) as integer) as jumlah_punch_luar_geofence,
        max(_dimuat_pada) as _dimuat_pada
    from punches
    group by nip, tanggal

),

daily_with_schedule as (

    select
        daily.*,
        employee_history.kode_unit,
        units.zona_waktu,
        case when rosters.nip is not null then 'SHIFT' else {{ jadwal }} end as jadwal,
        coalesce(
            rosters.jadwal_masuk,
            daily.tanggal + coalesce(agency_hours.jam_masuk, default_hours.jam_masuk)
        ) as jadwal_masuk,
        coalesce(
            rosters.jadwal_pulang,
            daily.tanggal + coalesce(agency_hours.jam_pulang, default_hours.jam_pulang)
        ) as jadwal_pulang
    from daily
    left join rosters
        on daily.nip = rosters.nip
        and daily.tanggal = rosters.tanggal
    left join calendar
        on daily.tanggal = calendar.tanggal
    {{ join_unit_pada_hari('left', 'daily.nip', 'daily.tanggal') }}
    left join unit_calendars
        on employee_history.kode_unit = unit_calendars.kode_unit
    left join working_hours as agency_hours
        on agency_hours.instansi = units.instansi
        and agency_hours.pola_kerja = coalesce(unit_calendars.pola_kerja, {{ pola_kerja_bawaan() }})
        and agency_hours.jadwal = {{ jadwal }}
        and agency_hours.hari_iso = {{ iso_weekday('daily.tanggal') }}
    left join working_hours as default_hours
        on default_hours.instansi = '*'
        and default_hours.pola_kerja = coalesce(unit_calendars.pola_kerja, {{ pola_kerja_bawaan() }})
        and default_hours.jadwal = {{ jadwal }}
        and default_hours.hari_iso = {{ iso_weekday('daily.tanggal') }}

),

directed as (

    -- a day without hours (a weekend punch) has no middle: its single punch stays an arrival,
    -- and nothing is missing on a day nobody is scheduled
    select
        *,
        coalesce(
            jumlah_punch = 1
            and {{ seconds_between('jadwal_masuk', 'jam_masuk') }}
                >= {{ seconds_between('jam_masuk', 'jadwal_pulang') }},
            false
        ) as punch_tunggal_pulang
    from daily_with_schedule

),

arrivals_and_departures as (

    select
        *,
        case when not punch_tunggal_pulang then jam_masuk end as masuk,
        case
            when jumlah_punch > 1 then jam_terakhir
            when punch_tunggal_pulang then jam_masuk
        end as pulang,
        case
            when jumlah_punch > 1 or jadwal_masuk is null or jadwal_pulang is null then null
            when punch_tunggal_pulang then 'MASUK'
            else 'PULANG'
        end as tanpa_rekam
    from directed

)

select
    nip,
    tanggal,
    kode_unit,
    zona_waktu,
    jadwal,
    masuk as jam_masuk,
    pulang as jam_pulang,
    jadwal_masuk,
    jadwal_pulang,
    -- whole minutes; a punch within the first minute after the start is on time
    -- (no schedule, e.g. a Saturday punch: no minutes; greatest() would turn NULL into 0)
    case
        when masuk is not null and jadwal_masuk is not null
            then greatest({{ minutes_between('jadwal_masuk', 'masuk') }}, 0)
    end as menit_terlambat,
    case
        when pulang is not null and jadwal_pulang is not null
            then greatest({{ minutes_between('pulang', 'jadwal_pulang') }}, 0)
    end as menit_pulang_cepat,
    case
        when masuk is not null and pulang is not null then {{ minutes_between('masuk', 'pulang') }}
    end as menit_kerja,
    tanpa_rekam,
    jumlah_punch,
    jumlah_punch_luar_geofence,
    _dimuat_pada
from arrivals_and_departures
{% if is_incremental() %}
where tanggal >= (select first_day from rebuild)
{% endif %}
