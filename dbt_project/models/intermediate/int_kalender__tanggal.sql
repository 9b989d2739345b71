{{ config(materialized="table") }}

-- Every day of the years the `hari_libur` seed covers, with what holds for the whole country:
-- the weekday, the national holiday or cuti bersama of the day, and whether it is a Ramadan day
-- (the generated `ramadan` seed, when var `jadwal_ramadan` is on: the RAMADAN hours of
-- `jam_kerja` apply, Perpres 21/2023). Which of these days are working days depends on the
-- unit's pattern and region: int_kalender__hari.

with holidays as (

    select * from {{ ref('hari_libur') }}

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

)

select
    days.tanggal,
    {{ iso_weekday('days.tanggal') }} as hari_iso,
    holidays.nama_libur,
    holidays.kategori as kategori_libur,
    {% if var('jadwal_ramadan') %}ramadan.tanggal_mulai is not null{% else %}false{% endif %} as ramadan
from days
left join ramadan
    on days.tanggal between ramadan.tanggal_mulai and ramadan.tanggal_selesai
left join holidays
    on days.tanggal = holidays.tanggal
