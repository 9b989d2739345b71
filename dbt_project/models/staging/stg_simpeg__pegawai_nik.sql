-- The NIK (national identity number) of every employee in every delivered snapshot, kept apart
-- from stg_simpeg__pegawai_riwayat so that the identifier reaches only the one rule that needs
-- it (NIK_GANDA: one person under two NIPs) and never a mart.

with source as (

    select * from {{ source('simpeg', 'pegawai') }}

)

select distinct
    {{ clean_text('nip') }} as nip,
    {{ clean_text('nik') }} as nik,
    _extraction_date as tanggal_snapshot
from source
where {{ clean_text('nip') }} is not null
  and {{ clean_text('nik') }} is not null
