-- Employees (pegawai) as every snapshot delivered them: one row per nip and extraction date.
-- The history lets attendance be judged against the status and unit valid on each day.
-- Direct identifiers nobody downstream needs (nik, email, no_hp) stop here.

with delivered as (

    select * from {{ ref('stg_simpeg__pegawai_dimuat') }}

),

one_row_per_snapshot as (

    -- a nip twice in one delivery: the row read last wins
    {{ versi_terbaru('delivered', 'nip, _extraction_date') }}

)

select
    nip,
    nama,
    jenis_kelamin,
    tanggal_lahir,
    status_kepegawaian,
    golongan,
    jenis_jabatan,
    nama_jabatan,
    kode_unit,
    nip_atasan,
    pendidikan,
    tmt_cpns,
    tmt_jabatan,
    status_aktif,
    _extraction_date as tanggal_snapshot,
    _loaded_at
from one_row_per_snapshot
