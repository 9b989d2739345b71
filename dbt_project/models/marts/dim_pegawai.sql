-- Employees (pegawai), current state: RESTRICTED HR mart (carries nip, name and birth date).
-- BI marts join on pegawai_key, the keyed pseudonym, instead.

with employees as (

    select * from {{ ref('stg_simpeg__pegawai') }}

),

units as (

    select * from {{ ref('stg_simpeg__unit_kerja') }}

)

select
    employees.nip,
    {{ pseudonym_key('employees.nip') }} as pegawai_key,
    employees.nama,
    employees.jenis_kelamin,
    employees.tanggal_lahir,
    employees.status_kepegawaian,
    employees.golongan,
    employees.jenis_jabatan,
    employees.nama_jabatan,
    employees.kode_unit,
    units.nama_unit,
    units.zona_waktu,
    employees.pendidikan,
    employees.tmt_cpns,
    employees.tmt_jabatan,
    employees.status_aktif,
    employees.nip_atasan,
    employees.tanggal_snapshot,
    employees.dalam_snapshot_terakhir
from employees
left join units
    on employees.kode_unit = units.kode_unit
