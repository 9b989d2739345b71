-- The date dimension (dim tanggal): one row per day of the calendar (the years of the generated
-- holiday seed), with national holidays and cuti bersama, the weekday, whether it is a working
-- day, whether Ramadan hours apply, and the default ('*') schedule of the day from `jam_kerja`,
-- all in the default calendar (macro kalender_bawaan: five-day week, national holidays only).
-- A unit's own calendar (six-day week, regional holidays) is int_kalender__hari's, joined by the
-- facts' `kalender`; an agency's own rows in `jam_kerja` override the hours for its units in the
-- attendance facts.

with calendar as (

    select * from {{ ref('int_kalender__hari') }}
    where kalender = {{ kalender_bawaan() }}

),

working_hours as (

    select * from {{ ref('jam_kerja') }}
    where instansi = '*' and pola_kerja = {{ pola_kerja_bawaan() }}

)

select
    calendar.tanggal,
    cast(extract(year from calendar.tanggal) as integer) as tahun,
    cast(extract(month from calendar.tanggal) as integer) as bulan,
    calendar.hari_iso,
    case calendar.hari_iso
        when 1 then 'SENIN' when 2 then 'SELASA' when 3 then 'RABU' when 4 then 'KAMIS'
        when 5 then 'JUMAT' when 6 then 'SABTU' else 'MINGGU'
    end as nama_hari,
    calendar.hari_iso >= 6 as akhir_pekan,
    calendar.kategori_libur is not null as libur,
    calendar.nama_libur,
    calendar.kategori_libur,
    calendar.hari_kerja,
    calendar.ramadan,
    case when calendar.hari_kerja then working_hours.jadwal end as jadwal,
    case when calendar.hari_kerja then working_hours.jam_masuk end as jam_masuk,
    case when calendar.hari_kerja then working_hours.jam_pulang end as jam_pulang,
    case when calendar.hari_kerja then working_hours.menit_istirahat end as menit_istirahat,
    case
        when calendar.hari_kerja
            then {{ minutes_between("(calendar.tanggal + working_hours.jam_masuk)",
                                    "(calendar.tanggal + working_hours.jam_pulang)") }}
                 - working_hours.menit_istirahat
        else 0
    end as menit_kerja_terjadwal,
    calendar.urutan_hari_kerja
from calendar
left join working_hours
    on calendar.hari_iso = working_hours.hari_iso
    and working_hours.jadwal = case when calendar.ramadan then 'RAMADAN' else 'NORMAL' end
