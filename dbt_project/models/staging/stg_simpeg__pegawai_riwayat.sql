-- Employees (pegawai) as every snapshot delivered them: one row per nip and extraction date.
-- The history lets attendance be judged against the status and unit valid on each day.
-- Direct identifiers nobody downstream needs (nik, email, no_hp) stop here.

with source as (

    select * from {{ source('simpeg', 'pegawai') }}

),

typed as (

    select
        {{ clean_text('nip') }} as nip,
        {{ clean_text('nama') }} as nama,
        {{ clean_code('jenis_kelamin') }} as jenis_kelamin,
        {{ to_date('tanggal_lahir') }} as tanggal_lahir,
        {{ clean_code('status_kepegawaian') }} as status_kepegawaian,
        {{ clean_golongan('golongan') }} as golongan,
        {{ clean_code('jenis_jabatan') }} as jenis_jabatan,
        {{ clean_text('nama_jabatan') }} as nama_jabatan,
        {{ clean_text('kode_unit') }} as kode_unit,
        {{ clean_text('nip_atasan') }} as nip_atasan,
        {{ clean_code('pendidikan') }} as pendidikan,
        {{ to_date('tmt_cpns') }} as tmt_cpns,
        {{ to_date('tmt_jabatan') }} as tmt_jabatan,
        {{ clean_code('status_aktif') }} as status_aktif,
        _extraction_date,
        _loaded_at,
        _row_number
    from source
    where {{ clean_text('nip') }} is not null

),

one_row_per_snapshot as (

    -- a nip twice in one delivery: the row read last wins
    {{ versi_terbaru('typed', 'nip, _extraction_date') }}

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
