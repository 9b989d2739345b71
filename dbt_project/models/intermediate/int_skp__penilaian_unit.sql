-- SKP results placed in the organisation: the unit of the assessed employee and of the rater
-- (penilai) on the last day of the period, from the employee history (int_pegawai__riwayat).
-- Someone not in any snapshot valid that day keeps the unit of their current state.

with assessments as (

    select * from {{ ref('int_skp__penilaian') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

current_employees as (

    select * from {{ ref('stg_simpeg__pegawai') }}

)

select
    assessments.id_penilaian,
    assessments.nip,
    assessments.nip_penilai,
    assessments.tahun,
    assessments.periode,
    assessments.kuartal,
    assessments.tanggal_akhir_periode,
    assessments.predikat,
    assessments.rating_hasil_kerja,
    assessments.capaian_organisasi,
    assessments.tanggal_penilaian,
    coalesce(assessed_then.kode_unit, assessed_now.kode_unit) as kode_unit,
    coalesce(assessed_then.status_kepegawaian, assessed_now.status_kepegawaian) as status_kepegawaian,
    coalesce(assessed_then.jenis_jabatan, assessed_now.jenis_jabatan) as jenis_jabatan,
    coalesce(rater_then.kode_unit, rater_now.kode_unit) as kode_unit_penilai
from assessments
left join employee_history as assessed_then
    on assessments.nip = assessed_then.nip
    and {{ berlaku_pada('assessed_then', 'assessments.tanggal_akhir_periode') }}
left join current_employees as assessed_now
    on assessments.nip = assessed_now.nip
left join employee_history as rater_then
    on assessments.nip_penilai = rater_then.nip
    and {{ berlaku_pada('rater_then', 'assessments.tanggal_akhir_periode') }}
left join current_employees as rater_now
    on assessments.nip_penilai = rater_now.nip
