-- Employees (pegawai) as delivered: every row of every snapshot, typed, before versions are
-- decided (a nip twice in one delivery is here twice; stg_simpeg__pegawai_riwayat keeps the row
-- read last). The incremental models ask this model which days a load changed (macro
-- hari_pertama_berubah): a minimum over the rows loaded since, which a repeated row cannot move
-- later, read without the de-duplication window over the whole history.

with source as (

    select * from {{ source('simpeg', 'pegawai') }}

)

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
