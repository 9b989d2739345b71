-- Every delivered version of every leave, duty-travel and permit record (izin), typed, with the
-- day it became known and its place in the record's version order. stg_simpeg__izin keeps the
-- newest version (the HR facts judge a day by the latest decision); the ML features read the
-- version that was current at a quarter's end (a leave approved or cancelled afterwards was not
-- known then).
-- diketahui_pada: the date the source wrote on the version (diperbarui_pada, the writer's wall
-- clock), else the delivery date. urutan_versi: 1 = oldest; a later diperbarui_pada is newer,
-- then a later delivery, then a later position in the file (the same order stg_simpeg__izin uses).

with source as (

    select * from {{ source('simpeg', 'izin') }}

),

typed as (

    select
        {{ clean_text('id_izin') }} as id_izin,
        {{ clean_text('nip') }} as nip,
        {{ clean_code('jenis') }} as jenis,
        {{ to_date('tanggal_mulai') }} as tanggal_mulai,
        {{ to_date('tanggal_selesai') }} as tanggal_selesai,
        {{ clean_code('status') }} as status,
        {{ kolom_diperbarui_tertulis() }}
    from source

)

select
    id_izin,
    nip,
    jenis,
    tanggal_mulai,
    tanggal_selesai,
    status,
    {{ kolom_versi_diperbarui('id_izin') }}
from typed
where id_izin is not null
