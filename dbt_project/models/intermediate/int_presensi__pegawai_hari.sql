{{ config(materialized='incremental', unique_key='tanggal') }}

-- The employee-day: who is expected at work on a covered working day of their unit's calendar
-- (int_kalender__unit: its pattern and region), the one place that says so for the daily facts (fct_presensi_harian), the features (int_fitur__presensi_harian) and
-- the discipline count (int_disiplin__tahunan). One row per covered working day and employee in
-- active service that day (appointed: from tmt_cpns on), in the unit of that day, with:
-- - unit_tercakup: coverage is per unit, so a delivered date counts for a unit only when at
--   least one punch of that local day belongs to an employee of the unit (the unit held that
--   day); otherwise the unit's terminal may simply not have uploaded;
-- - the day's punches (int_presensi__harian), the unit's calendar (`kalender`) and the day's
--   place in it: a six-day unit's Saturday is a working day, a five-day unit's is not, a
--   regional holiday is not one for the units of its region; an employee of a SHIFT unit is
--   expected on the days of their roster (int_kalender__jadwal_shift) and on no other, their
--   working days numbered on the roster;
-- - the status judged with the NEWEST leave decision (macro status_presensi_hari), and
--   `dinilai`, whether that status may be used at all (macro hari_dinilai): on an uncovered
--   unit-day only a known status (approved izin, own punches) is. The features judge the same
--   rows again with the leave decisions known at a quarter's end, so unjudged rows stay here.
--
-- Incremental: each run rebuilds the days of macro hari_presensi_dibangun (the lookback window,
-- and every older day that raw rows loaded since touch: late punches, backfilled days, employee
-- snapshots, leave approved afterwards), so reruns and backfills need no special path.
-- `_dimuat_pada` is the watermark: the newest presensi load time behind the day. A rebuilt day
-- replaces all of that day's rows (delete+insert keyed by tanggal; the grain nip + tanggal is
-- tested), so an employee no longer expected on the day does not linger.

with
{{ hari_presensi_dibangun() }},

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

daily_attendance as (

    -- the days being built alone: every employee-day below is one of them, and the whole
    -- history's punches (25 M days at 100,000 staff x 1 year) need not be read
    select * from {{ ref('int_presensi__harian') }}
    {% if is_incremental() %}
    where tanggal in (select tanggal from days_to_build)
    {% endif %}

),

leave_records as (

    select * from {{ ref('stg_simpeg__izin') }}

),

leave_statuses as (

    select * from {{ ref('jenis_izin') }}

),

unit_calendars as (

    select * from {{ ref('int_kalender__unit') }}

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}

),

rosters as (

    select * from {{ ref('int_kalender__jadwal_shift') }}

),

covered_unit_days as (

    -- a (unit, day) with at least one punch: the unit's attendance was delivered that day
    select distinct kode_unit, tanggal
    from daily_attendance
    where jumlah_punch > 0 and kode_unit is not null

),

employees_of_the_day as (

    select
        days_to_build.tanggal,
        days_to_build._dimuat_pada,
        employee_history.nip,
        employee_history.kode_unit,
        coalesce(unit_calendars.kalender, {{ kalender_bawaan() }}) as kalender
    from days_to_build
    inner join employee_history
        on {{ berlaku_pada('employee_history', 'days_to_build.tanggal') }}
    left join unit_calendars
        on employee_history.kode_unit = unit_calendars.kode_unit
    where employee_history.aktif
      and (employee_history.tmt_cpns is null or employee_history.tmt_cpns <= days_to_build.tanggal)

),

employee_days as (

    -- a covered day is a working day of some calendar; the employee is expected only when it is
    -- one of their unit's
    select
        employees_of_the_day.*,
        calendar.urutan_hari_kerja,
        false as dari_jadwal
    from employees_of_the_day
    inner join calendar
        on employees_of_the_day.kalender = calendar.kalender
        and employees_of_the_day.tanggal = calendar.tanggal
    where calendar.hari_kerja

    union all

    -- a SHIFT unit's calendar has no working day of its own: the employee's roster has them
    select
        employees_of_the_day.*,
        rosters.urutan_hari_kerja,
        true as dari_jadwal
    from employees_of_the_day
    inner join rosters
        on employees_of_the_day.nip = rosters.nip
        and employees_of_the_day.tanggal = rosters.tanggal
        and employees_of_the_day.kalender = rosters.kalender

),

approved_leave as (

    {{ izin_berlaku(
        'employee_days', 'leave_records', 'leave_statuses',
        ['leave_records.id_izin', 'leave_statuses.status_presensi'],
    ) }}

),

attended as (

    select
        employee_days.tanggal,
        employee_days.nip,
        employee_days.kode_unit,
        covered_unit_days.kode_unit is not null as unit_tercakup,
        daily_attendance.jam_masuk,
        daily_attendance.jam_pulang,
        daily_attendance.menit_terlambat,
        daily_attendance.menit_pulang_cepat,
        daily_attendance.menit_kerja,
        daily_attendance.tanpa_rekam,
        cast(coalesce(daily_attendance.jumlah_punch, 0) as integer) as jumlah_punch,
        cast(coalesce(daily_attendance.jumlah_punch_luar_geofence, 0) as integer) as jumlah_punch_luar_geofence,
        daily_attendance.jadwal,
        approved_leave.status_presensi as status_izin,
        approved_leave.id_izin,
        employee_days.kalender,
        employee_days.urutan_hari_kerja,
        case
            when employee_days.dari_jadwal then roster_before.nip is null or roster_after.nip is null
            else not coalesce(day_before.hari_kerja, true) or not coalesce(day_after.hari_kerja, true)
        end as menempel_libur,
        employee_days._dimuat_pada,
        daily_attendance._dimuat_pada as _presensi_dimuat_pada
    from employee_days
    left join daily_attendance
        on employee_days.nip = daily_attendance.nip
        and employee_days.tanggal = daily_attendance.tanggal
    left join approved_leave
        on employee_days.nip = approved_leave.nip
        and employee_days.tanggal = approved_leave.tanggal
    left join covered_unit_days
        on employee_days.kode_unit = covered_unit_days.kode_unit
        and employee_days.tanggal = covered_unit_days.tanggal
    left join calendar as day_before
        on day_before.kalender = employee_days.kalender
        and day_before.tanggal = {{ add_days('employee_days.tanggal', -1) }}
    left join calendar as day_after
        on day_after.kalender = employee_days.kalender
        and day_after.tanggal = {{ add_days('employee_days.tanggal', 1) }}
    left join rosters as roster_before
        on roster_before.nip = employee_days.nip
        and roster_before.tanggal = {{ add_days('employee_days.tanggal', -1) }}
    left join rosters as roster_after
        on roster_after.nip = employee_days.nip
        and roster_after.tanggal = {{ add_days('employee_days.tanggal', 1) }}

)

select
    tanggal,
    nip,
    kode_unit,
    unit_tercakup,
    jam_masuk,
    jam_pulang,
    menit_terlambat,
    menit_pulang_cepat,
    menit_kerja,
    tanpa_rekam,
    jumlah_punch,
    jumlah_punch_luar_geofence,
    jadwal,
    {{ status_presensi_hari('status_izin', 'jumlah_punch', 'menit_terlambat', 'menit_pulang_cepat') }} as status,
    id_izin,
    {{ hari_dinilai('unit_tercakup', 'status_izin', 'jumlah_punch') }} as dinilai,
    kalender,
    urutan_hari_kerja,
    menempel_libur,
    _dimuat_pada,
    _presensi_dimuat_pada
from attended
