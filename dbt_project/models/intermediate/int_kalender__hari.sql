{{ config(materialized="table") }}

-- The working calendar: every day of the years the `hari_libur` seed covers, flagged as a
-- working day when its weekday has default hours in `jam_kerja` (Monday-Friday, Perpres 21/2023)
-- and it is not a national holiday or cuti bersama. The one place that says what a working day is.
-- `ramadan` marks the days of the generated `ramadan` seed when var `jadwal_ramadan` is on: on
-- those days the RAMADAN hours of `jam_kerja` apply (Perpres 21/2023: start 08:00, shorter week).

with holidays as (

    select * from {{ ref('hari_libur') }}

),

working_hours as (

    select * from {{ ref('jam_kerja') }}
    where instansi = '*' and jadwal = 'NORMAL'

),

ramadan as (

    select * from {{ ref('ramadan') }}

),

calendar_bounds as (

    select
        make_date(cast(min(extract(year from tanggal)) as integer), 1, 1) as first_day,
        make_date(cast(max(extract(year from tanggal)) as integer), 12, 31) as last_day
    from holidays

),

day_numbers as (

    select thousands.n * 1000 + ones.n as n
    from {{ integer_series(20) }} as thousands (n)
    cross join {{ integer_series(1000) }} as ones (n)

),

days as (

    select {{ add_days('calendar_bounds.first_day', 'day_numbers.n') }} as tanggal
    from calendar_bounds
    cross join day_numbers
    where {{ add_days('calendar_bounds.first_day', 'day_numbers.n') }} <= calendar_bounds.last_day

),

flagged as (

    select
        days.tanggal,
        {{ iso_weekday('days.tanggal') }} as hari_iso,
        holidays.nama_libur,
        holidays.kategori as kategori_libur,
        working_hours.hari_iso is not null and holidays.tanggal is null as hari_kerja,
        {% if var('jadwal_ramadan') %}ramadan.tanggal_mulai is not null{% else %}false{% endif %} as ramadan
    from days
    left join ramadan
        on days.tanggal between ramadan.tanggal_mulai and ramadan.tanggal_selesai
    left join holidays
        on days.tanggal = holidays.tanggal
    left join working_hours
        on {{ iso_weekday('days.tanggal') }} = working_hours.hari_iso

)

select
    *,
    -- position among working days: consecutive working days differ by exactly 1, whatever
    -- weekends and holidays lie between (runs of absence are counted on it)
    case
        when hari_kerja
            then sum(case when hari_kerja then 1 else 0 end) over (order by tanggal)
    end as urutan_hari_kerja
from flagged
