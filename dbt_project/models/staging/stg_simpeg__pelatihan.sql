-- Competency development (pelatihan): the latest delivery of every id_pelatihan.

with source as (

    select * from {{ source('simpeg', 'pelatihan') }}

),

typed as (

    select
        {{ clean_text('id_pelatihan') }} as id_pelatihan,
        {{ clean_text('nip') }} as nip,
        {{ clean_text('nama_pelatihan') }} as nama_pelatihan,
        {{ clean_code('jenis') }} as jenis,
        {{ to_date('tanggal_mulai') }} as tanggal_mulai,
        {{ to_date('tanggal_selesai') }} as tanggal_selesai,
        {{ to_double('jp') }} as jp,
        _extraction_date,
        _loaded_at,
        _row_number
    from source
    where {{ clean_text('id_pelatihan') }} is not null

),

newest as (

    {{ versi_terbaru('typed', 'id_pelatihan') }}

)

select
    id_pelatihan,
    nip,
    nama_pelatihan,
    jenis,
    tanggal_mulai,
    tanggal_selesai,
    jp,
    _extraction_date,
    _loaded_at
from newest
