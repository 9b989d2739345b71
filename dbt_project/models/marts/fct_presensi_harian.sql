{{
    config(
        materialized='incremental',
        unique_key='tanggal',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- Daily attendance (presensi harian): one row per employee per covered working day on which the
-- employee was in active service. Status: an approved leave or permit (izin DISETUJUI) covering
-- the day gives its status; otherwise the punches decide (late before early leave); no punch and
-- no approved izin is TANPA_KETERANGAN (absent without valid reason, PP 94/2021).
-- Coverage is per unit: a delivered date counts for a unit only when at least one punch of that
-- local day belongs to an employee of the unit (the unit held that day). Otherwise the unit's
-- terminal may simply not have uploaded, so an employee with neither punch nor approved izin
-- gets no row (unknown, not judged): a missing upload must never count towards a sanction.
--
-- Incremental: each run rebuilds the last `presensi_lookback_hari` days plus every older day
-- that raw rows loaded since the previous run touch (late punches, backfilled days, leave
-- approved afterwards), so reruns and backfills need no special path. `_dimuat_pada` is the
-- watermark: the newest presensi load time behind the day. A rebuilt day replaces all of that
-- day's rows (delete+insert keyed by tanggal; the grain nip + tanggal is tested), so an employee
-- no longer expected on the day does not linger. A late punch that makes a unit-day covered
-- raises the day's `_dimuat_pada` in int_presensi__hari_tercakup, so the whole day is rebuilt.
-- An employee snapshot loaded since rebuilds every day from its date on (macro
-- hari_pertama_berubah): a re-delivered or corrected snapshot reaches the days it changes.

with covered_days as (

    select * from {{ ref('int_presensi__hari_tercakup') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

daily_attendance as (

    select * from {{ ref('int_presensi__harian') }}

),

covered_unit_days as (

    -- a (unit, day) with at least one punch: the unit's attendance was delivered that day
    select distinct kode_unit, tanggal
    from daily_attendance
    where jumlah_punch > 0 and kode_unit is not null

),

leave_records as (

    select * from {{ ref('stg_simpeg__izin') }}

),

leave_statuses as (

    select * from {{ ref('jenis_izin') }}

),

units as (

    select * from {{ ref('stg_simpeg__unit_kerja') }}

),

{% if is_incremental() %}
already_built as (

    select
        max(tanggal) as last_day,
        max(_dimuat_pada) as loaded_until
    from {{ this }}

),

snapshot_changed_from as (

    -- employee snapshots loaded since change who is expected, and in which unit, from here on
    select {{ hari_pertama_berubah('(select loaded_until from already_built)', ['pegawai']) }} as first_day

),

leave_loaded_since as (

    select leave_records.tanggal_mulai, leave_records.tanggal_selesai
    from leave_records
    cross join already_built
    where leave_records._loaded_at > already_built.loaded_until

),
{% endif %}

days_to_build as (

    select covered_days.tanggal, covered_days._dimuat_pada
    from covered_days
    {% if is_incremental() %}
    cross join already_built
    cross join snapshot_changed_from
    where already_built.last_day is null
       or covered_days.tanggal >= {{ add_days('already_built.last_day', -1 * var('presensi_lookback_hari')) }}
       or covered_days.tanggal >= snapshot_changed_from.first_day
       or covered_days._dimuat_pada > already_built.loaded_until
       or exists (
            select 1
            from leave_loaded_since
            where covered_days.tanggal between leave_loaded_since.tanggal_mulai and leave_loaded_since.tanggal_selesai
        )
    {% endif %}

),

employee_days as (

    select
        days_to_build.tanggal,
        days_to_build._dimuat_pada,
        employee_history.nip,
        employee_history.kode_unit
    from days_to_build
    inner join employee_history
        on days_to_build.tanggal >= employee_history.berlaku_mulai
        and days_to_build.tanggal < employee_history.berlaku_sampai
    where employee_history.aktif
      and (employee_history.tmt_cpns is null or employee_history.tmt_cpns <= days_to_build.tanggal)

),

approved_leave as (

    -- only an approved record is a valid reason; overlapping records: the latest-starting wins
    select
        employee_days.nip,
        employee_days.tanggal,
        leave_records.id_izin,
        leave_statuses.status_presensi,
        row_number() over (
            partition by employee_days.nip, employee_days.tanggal
            order by leave_records.tanggal_mulai desc, leave_records.id_izin
        ) as leave_rank
    from employee_days
    inner join leave_records
        on employee_days.nip = leave_records.nip
        and employee_days.tanggal between leave_records.tanggal_mulai and leave_records.tanggal_selesai
    inner join leave_statuses
        on leave_records.jenis = leave_statuses.jenis
    where leave_records.status = 'DISETUJUI'

)

select
    employee_days.tanggal,
    employee_days.nip,
    {{ pseudonym_key('employee_days.nip') }} as pegawai_key,
    employee_days.kode_unit,
    units.zona_waktu,
    daily_attendance.jam_masuk,
    daily_attendance.jam_pulang,
    daily_attendance.menit_terlambat,
    daily_attendance.menit_pulang_cepat,
    daily_attendance.menit_kerja,
    cast(coalesce(daily_attendance.jumlah_punch, 0) as integer) as jumlah_punch,
    cast(coalesce(daily_attendance.jumlah_punch_luar_geofence, 0) as integer) as jumlah_punch_luar_geofence,
    coalesce(daily_attendance.jumlah_punch_luar_geofence, 0) > 0 as luar_geofence,
    daily_attendance.jadwal,
    {{ status_presensi_hari(
        'approved_leave.status_presensi',
        'daily_attendance.jumlah_punch',
        'daily_attendance.menit_terlambat',
        'daily_attendance.menit_pulang_cepat'
    ) }} as status,
    approved_leave.id_izin,
    employee_days._dimuat_pada
from employee_days
left join units
    on employee_days.kode_unit = units.kode_unit
left join daily_attendance
    on employee_days.nip = daily_attendance.nip
    and employee_days.tanggal = daily_attendance.tanggal
left join approved_leave
    on employee_days.nip = approved_leave.nip
    and employee_days.tanggal = approved_leave.tanggal
    and approved_leave.leave_rank = 1
left join covered_unit_days
    on employee_days.kode_unit = covered_unit_days.kode_unit
    and employee_days.tanggal = covered_unit_days.tanggal
-- on an uncovered unit-day only a known status (approved izin, own punches) is kept
where covered_unit_days.kode_unit is not null
   or approved_leave.status_presensi is not null
   or daily_attendance.jumlah_punch > 0
