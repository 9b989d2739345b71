{{ config(materialized='incremental', unique_key='tanggal') }}

-- Daily attendance (presensi harian): one row per employee per covered working day on which the
-- employee was in active service. Status: an approved leave or permit (izin DISETUJUI) covering
-- the day gives its status; otherwise the punches decide (late before early leave); no punch and
-- no approved izin is TANPA_KETERANGAN (absent without valid reason, PP 94/2021).
-- Coverage is per unit: a delivered date counts for a unit only when at least one punch of that
-- local day belongs to an employee of the unit (the unit held that day). Otherwise the unit's
-- terminal may simply not have uploaded, so an employee with neither punch nor approved izin
-- gets no row (unknown, not judged): a missing upload must never count towards a sanction.
--
-- Who is expected and how the day is judged come from int_presensi__pegawai_hari (the
-- employee-day); this mart keeps its judged rows and adds the unit's zone and the BI key.
--
-- Incremental: rebuilds the same days as int_presensi__pegawai_hari (macro
-- hari_presensi_dibangun, over this model's own watermark `_dimuat_pada`, the newest presensi
-- load time behind the day). A rebuilt day replaces all of that day's rows (delete+insert keyed
-- by tanggal; the grain nip + tanggal is tested), so an employee no longer judged on the day
-- does not linger.

with
{{ hari_presensi_dibangun() }},

employee_days as (

    select * from {{ ref('int_presensi__pegawai_hari') }}
    where dinilai
    {% if is_incremental() %}
      and tanggal in (select tanggal from days_to_build)
    {% endif %}

),

units as (

    select * from {{ ref('stg_simpeg__unit_kerja') }}

)

select
    employee_days.tanggal,
    employee_days.nip,
    {{ pseudonym_key('employee_days.nip') }} as pegawai_key,
    employee_days.kode_unit,
    employee_days.kalender,
    units.zona_waktu,
    employee_days.jam_masuk,
    employee_days.jam_pulang,
    employee_days.menit_terlambat,
    employee_days.menit_pulang_cepat,
    employee_days.menit_kerja,
    employee_days.tanpa_rekam,
    employee_days.jumlah_punch,
    employee_days.jumlah_punch_luar_geofence,
    employee_days.jumlah_punch_luar_geofence > 0 as luar_geofence,
    employee_days.jadwal,
    employee_days.status,
    employee_days.id_izin,
    employee_days._dimuat_pada
from employee_days
left join units
    on employee_days.kode_unit = units.kode_unit
