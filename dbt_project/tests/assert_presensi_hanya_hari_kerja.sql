-- Attendance is judged on working days only: never on a weekend, a holiday or cuti bersama of
-- the employee's own calendar (a six-day unit's Saturday is a working day, a regional holiday is
-- not one for the units of its region); a SHIFT unit's staff only on the days their delivered
-- roster lists (a SHIFT calendar has no working days of its own).

with presensi as (

    select * from {{ ref('fct_presensi_harian') }}

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}

),

rosters as (

    select * from {{ ref('int_kalender__jadwal_shift') }}

)

select presensi.nip, presensi.tanggal
from presensi
left join calendar
    on coalesce(presensi.kalender, {{ kalender_bawaan() }}) = calendar.kalender
    and presensi.tanggal = calendar.tanggal
left join rosters
    on presensi.nip = rosters.nip
    and presensi.tanggal = rosters.tanggal
where not coalesce(calendar.hari_kerja, false)
    and rosters.nip is null
