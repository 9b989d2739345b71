-- Attendance is judged on working days only: never on a weekend, a holiday or cuti bersama of
-- the employee's own calendar (a six-day unit's Saturday is a working day, a regional holiday is
-- not one for the units of its region).

select presensi.nip, presensi.tanggal
from {{ ref('fct_presensi_harian') }} as presensi
left join {{ ref('int_kalender__hari') }} as calendar
    on coalesce(presensi.kalender, {{ kalender_bawaan() }}) = calendar.kalender
    and presensi.tanggal = calendar.tanggal
where not coalesce(calendar.hari_kerja, false)
