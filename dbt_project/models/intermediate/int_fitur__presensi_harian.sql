{{ config(materialized='incremental', unique_key='periode_id') }}

-- Daily attendance as it was known at the end of the day's quarter: one row per employee and
-- covered working day of a complete quarter, the input of the attendance features.
-- fct_presensi_harian judges a day with the NEWEST leave decision; a leave approved (or
-- cancelled) after the quarter's end was not known at it, and reading it would let the features
-- see the future (and differ from what scoring sees on the night after a quarter ends). So the
-- day is judged here, by the same rule (macros status_presensi_hari, hari_dinilai) on the same
-- employee-days (int_presensi__pegawai_hari: who, unit coverage, punches, calendar), with
-- each izin record's newest version known by the quarter's end (stg_simpeg__izin_versi,
-- diketahui_pada). Punches are used as delivered: a punch is the device's record of an instant
-- in the day, not a later decision, and a quarter is only featurised once its last working day
-- is covered (int_periode__kuartal).
-- menempel_libur: the calendar day before or after is not a working day (weekend, holiday or
-- cuti bersama), for the leave-pattern feature.
-- A table: the quarter features and the look-ahead data tests all read it, and as a view the
-- employee-day joins would run for each of them. Incremental by quarter: a run builds the
-- quarters that became complete since the previous run and rebuilds, whole, every quarter ending
-- on or after the first day whose inputs changed (macro kuartal_dibangun_ulang: late
-- punches, snapshots and leave versions loaded since, the lookback window). On most nights that
-- is no quarter at all: only complete quarters are featurised.

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}
    {% if is_incremental() %}
    where {{ kuartal_dibangun_ulang() }}
    {% endif %}

),

leave_versions as (

    select * from {{ ref('stg_simpeg__izin_versi') }}

),

leave_kinds as (

    select * from {{ ref('jenis_izin') }}

),

employee_days as (

    select * from {{ ref('int_presensi__pegawai_hari') }}

),

quarter_days as (

    -- only who and what was punched: the status is judged below with the leave known then
    select
        quarters.periode_id,
        quarters.tanggal_akhir_periode,
        employee_days.nip,
        employee_days.tanggal,
        employee_days.kode_unit,
        employee_days.unit_tercakup,
        employee_days.jumlah_punch,
        employee_days.menit_terlambat,
        employee_days.menit_pulang_cepat,
        employee_days.menempel_libur,
        employee_days._presensi_dimuat_pada
    from employee_days
    inner join quarters
        on employee_days.tanggal between quarters.tanggal_mulai_periode and quarters.tanggal_akhir_periode

),

leave_known_at_quarter_end as (

    select
        quarters.periode_id,
        quarters.tanggal_mulai_periode,
        quarters.tanggal_akhir_periode,
        leave_versions.id_izin,
        leave_versions.nip,
        leave_versions.jenis,
        leave_versions.tanggal_mulai,
        leave_versions.tanggal_selesai,
        leave_versions.status,
        leave_versions.diketahui_pada,
        row_number() over (
            partition by quarters.periode_id, leave_versions.id_izin
            order by leave_versions.urutan_versi desc
        ) as version_rank
    from quarters
    inner join leave_versions
        on leave_versions.diketahui_pada <= quarters.tanggal_akhir_periode

),

latest_known_leave as (

    select * from leave_known_at_quarter_end
    where version_rank = 1

),

approved_leave as (

    {{ izin_berlaku(
        'quarter_days', 'latest_known_leave', 'leave_kinds',
        [
            'latest_known_leave.jenis',
            'latest_known_leave.diketahui_pada',
            'leave_kinds.status_presensi',
            'leave_kinds.absen_pendek',
        ],
        on='quarter_days.periode_id = latest_known_leave.periode_id',
    ) }}

)

select
    quarter_days.periode_id,
    quarter_days.tanggal_akhir_periode,
    quarter_days.nip,
    quarter_days.tanggal,
    quarter_days.kode_unit,
    {{ status_presensi_hari(
        'approved_leave.status_presensi',
        'quarter_days.jumlah_punch',
        'quarter_days.menit_terlambat',
        'quarter_days.menit_pulang_cepat'
    ) }} as status,
    approved_leave.jenis as jenis_izin,
    -- the look-ahead probe: when the leave decision used became known
    approved_leave.diketahui_pada as izin_diketahui_pada,
    coalesce(approved_leave.absen_pendek, false) as absen_pendek,
    quarter_days.menit_terlambat,
    quarter_days.menit_pulang_cepat,
    quarter_days.menempel_libur,
    quarter_days._presensi_dimuat_pada as _dimuat_pada
from quarter_days
left join approved_leave
    on quarter_days.nip = approved_leave.nip
    and quarter_days.tanggal = approved_leave.tanggal
where {{ hari_dinilai(
    'quarter_days.unit_tercakup',
    'approved_leave.status_presensi',
    'quarter_days.jumlah_punch'
) }}
