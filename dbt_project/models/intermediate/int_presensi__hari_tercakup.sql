-- Covered working days: the days on which attendance can be judged. A day is covered when
-- presensi was delivered for it (its extraction date folder) or punches of that local day
-- arrived; days without any delivery are not judged, and only working days count: a working day
-- of any of the calendars (int_kalender__hari), so a six-day unit's Saturday is covered too, or a
-- day someone of a SHIFT unit is rostered (int_kalender__jadwal_shift: a hospital's Sunday); whose
-- working day it is, is the employee-day's to say (int_presensi__pegawai_hari).
-- `_dimuat_pada` is the newest load time of the presensi behind the day.

with punches as (

    select * from {{ ref('stg_presensi__punches') }}

),

daily_attendance as (

    select * from {{ ref('int_presensi__harian') }}

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}

),

rosters as (

    select * from {{ ref('int_kalender__jadwal_shift') }}

),

working_dates as (

    select tanggal from calendar where hari_kerja

    union

    select tanggal from rosters

),

delivered_days as (

    select _extraction_date as tanggal, max(_loaded_at) as _dimuat_pada
    from punches
    group by _extraction_date

    union all

    select tanggal, max(_dimuat_pada) as _dimuat_pada
    from daily_attendance
    group by tanggal

)

select
    delivered_days.tanggal,
    max(delivered_days._dimuat_pada) as _dimuat_pada
from delivered_days
inner join working_dates
    on delivered_days.tanggal = working_dates.tanggal
group by delivered_days.tanggal
