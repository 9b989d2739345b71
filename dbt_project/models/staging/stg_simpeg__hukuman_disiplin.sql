-- Disciplinary sanctions (hukuman disiplin): the latest delivery of every id_hukdis.

with source as (

    select * from {{ source('simpeg', 'hukuman_disiplin') }}

),

typed as (

    select
        {{ clean_text('id_hukdis') }} as id_hukdis,
        {{ clean_text('nip') }} as nip,
        {{ clean_code('tingkat') }} as tingkat,
        {{ clean_text('jenis_hukuman') }} as jenis_hukuman,
        {{ to_date('tanggal_sk') }} as tanggal_sk,
        {{ to_date('tmt_mulai') }} as tmt_mulai,
        {{ to_integer('masa_bulan') }} as masa_bulan,
        {{ clean_text('alasan') }} as alasan,
        _extraction_date,
        _loaded_at,
        _row_number
    from source
    where {{ clean_text('id_hukdis') }} is not null

),

newest as (

    {{ versi_terbaru('typed', 'id_hukdis') }}

)

select
    id_hukdis,
    nip,
    tingkat,
    jenis_hukuman,
    tanggal_sk,
    tmt_mulai,
    masa_bulan,
    alasan,
    _extraction_date,
    _loaded_at
from newest
