-- The working days and hours of employees of SHIFT units (seed pola_kerja_unit): their delivered
-- roster (stg_simpeg__jadwal_shift), one shift per employee and day, placed in the unit the
-- employee held that day (int_pegawai__riwayat, int_unit_kerja__riwayat) and in its local time:
-- an offset-less time is the unit's wall clock, one with an offset is converted to the unit's
-- zone. A roster row of an employee who is not in a SHIFT unit that day is not read (the unit's
-- calendar rules). Two shifts on one day: the earlier start is the day's (a double shift is not
-- modelled). `urutan_hari_kerja` numbers the employee's rostered days on one calendar, as
-- int_kalender__hari numbers a calendar's working days, so that runs of absence are counted on it.

with roster as (

    select * from {{ ref('stg_simpeg__jadwal_shift') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

units as (

    select * from {{ ref('int_unit_kerja__riwayat') }}

),

unit_calendars as (

    select * from {{ ref('int_kalender__unit') }}

),

zones as (

    select * from {{ ref('zona_waktu') }}

),

placed as (

    select
        roster.nip,
        roster.tanggal,
        roster.id_jadwal,
        roster.kode_shift,
        employee_history.kode_unit,
        unit_calendars.kalender,
        case
            when roster.offset_menit_mulai is null then roster.waktu_mulai_tertulis
            else {{ to_local_time(to_utc('roster.waktu_mulai_tertulis', 'roster.offset_menit_mulai'), 'zones.utc_offset_jam') }}
        end as jadwal_masuk,
        case
            when roster.offset_menit_selesai is null then roster.waktu_selesai_tertulis
            else {{ to_local_time(to_utc('roster.waktu_selesai_tertulis', 'roster.offset_menit_selesai'), 'zones.utc_offset_jam') }}
        end as jadwal_pulang
    from roster
    {{ join_unit_pada_hari('inner', 'roster.nip', 'roster.tanggal') }}
    inner join zones
        on units.zona_waktu = zones.zona_waktu
    inner join unit_calendars
        on employee_history.kode_unit = unit_calendars.kode_unit
    where unit_calendars.pola_kerja = {{ pola_kerja_shift() }}

),

one_per_day as (

    select
        *,
        row_number() over (partition by nip, tanggal order by jadwal_masuk, id_jadwal) as urutan_shift
    from placed

)

select
    nip,
    tanggal,
    kode_unit,
    kalender,
    id_jadwal,
    kode_shift,
    jadwal_masuk,
    jadwal_pulang,
    row_number() over (partition by nip, kalender order by tanggal) as urutan_hari_kerja
from one_per_day
where urutan_shift = 1
