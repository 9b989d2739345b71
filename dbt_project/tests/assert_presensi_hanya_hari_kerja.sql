-- Attendance is judged on working days only: never on a weekend, a holiday or cuti bersama.

select presensi.nip, presensi.tanggal
from {{ ref('fct_presensi_harian') }} as presensi
inner join {{ ref('int_kalender__hari') }} as calendar
    on presensi.tanggal = calendar.tanggal
where not calendar.hari_kerja

union all

select presensi.nip, presensi.tanggal
from {{ ref('fct_presensi_harian') }} as presensi
where presensi.tanggal not in (select tanggal from {{ ref('int_kalender__hari') }})
