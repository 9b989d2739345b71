{{ config(materialized="table") }}

-- The working calendars: one per working pattern and region a unit actually has
-- (int_kalender__unit) and the default one (macro kalender_bawaan), each over every day of
-- int_kalender__tanggal. The one place that says what a working day is: a weekday with NORMAL
-- hours of the pattern in `jam_kerja` (LIMA_HARI Monday-Friday, ENAM_HARI Monday-Saturday;
-- Perpres 21/2023) that is neither a national holiday or cuti bersama (`hari_libur`) nor a
-- regional holiday of the calendar's region (`hari_libur_daerah`: a province's day applies to
-- its regencies too). `urutan_hari_kerja` numbers each calendar's working days; every reader
-- joins an employee-day's own calendar (int_presensi__pegawai_hari.kalender), not the date alone.

with days as (

    select * from {{ ref('int_kalender__tanggal') }}

),

unit_calendars as (

    select * from {{ ref('int_kalender__unit') }}

),

working_hours as (

    select * from {{ ref('jam_kerja') }}
    where instansi = '*' and jadwal = 'NORMAL'

),

regional_holidays as (

    select * from {{ ref('hari_libur_daerah') }}

),

calendars as (

    select pola_kerja, kode_wilayah, kalender
    from unit_calendars

    union

    select
        {{ pola_kerja_bawaan() }} as pola_kerja,
        '*' as kode_wilayah,
        {{ kalender_bawaan() }} as kalender

),

calendar_regional_holidays as (

    -- a region's code starts with its province's: '51' covers '5171'; '*' (no region) none
    select
        calendars.kalender,
        regional_holidays.tanggal,
        min(regional_holidays.nama_libur) as nama_libur
    from calendars
    inner join regional_holidays
        on calendars.kode_wilayah like (regional_holidays.kode_wilayah || '%')
    group by calendars.kalender, regional_holidays.tanggal

),

flagged as (

    select
        calendars.kalender,
        calendars.pola_kerja,
        calendars.kode_wilayah,
        days.tanggal,
        days.hari_iso,
        coalesce(days.nama_libur, calendar_regional_holidays.nama_libur) as nama_libur,
        case
            when days.kategori_libur is not null then days.kategori_libur
            when calendar_regional_holidays.tanggal is not null then 'LIBUR_DAERAH'
        end as kategori_libur,
        working_hours.hari_iso is not null
            and days.kategori_libur is null
            and calendar_regional_holidays.tanggal is null as hari_kerja,
        days.ramadan
    from calendars
    cross join days
    left join calendar_regional_holidays
        on calendars.kalender = calendar_regional_holidays.kalender
        and days.tanggal = calendar_regional_holidays.tanggal
    left join working_hours
        on calendars.pola_kerja = working_hours.pola_kerja
        and days.hari_iso = working_hours.hari_iso

)

select
    *,
    -- position among the calendar's working days: consecutive working days differ by exactly 1,
    -- whatever weekends and holidays lie between (runs of absence are counted on it)
    case
        when hari_kerja
            then sum(case when hari_kerja then 1 else 0 end) over (partition by kalender order by tanggal)
    end as urutan_hari_kerja
from flagged
