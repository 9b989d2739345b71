-- SKP results (e-Kinerja): every delivered version of every id_penilaian, ratings as SIASN codes
-- (words such as "Sesuai Ekspektasi" are mapped through the seed generated from the contract),
-- with the day it became known and its place in the record's version order. stg_ekinerja__skp
-- keeps the newest version; the ML features read the version that was current at a quarter's end
-- (a rating revised afterwards was not known then).
-- diketahui_pada: the date the source wrote on the version (diperbarui_pada, the writer's wall
-- clock), else the delivery date. urutan_versi: 1 = oldest; a later diperbarui_pada is newer,
-- then a later delivery, then a later position in the file.

with source as (

    select * from {{ source('ekinerja', 'skp') }}

),

rating_words as (

    select * from {{ ref('kata_rating') }}

),

typed as (

    select
        {{ clean_text('id_penilaian') }} as id_penilaian,
        {{ clean_text('nip') }} as nip,
        {{ clean_text('nip_penilai') }} as nip_penilai,
        {{ to_integer('tahun') }} as tahun,
        {{ clean_code('periode') }} as periode,
        -- one space between words, so "DI  ATAS EKSPEKTASI" still matches
        regexp_replace({{ clean_code('rating_hasil_kerja') }}, '[[:space:]]+', ' ', 'g') as rating_hasil_kerja_asli,
        regexp_replace({{ clean_code('rating_perilaku_kerja') }}, '[[:space:]]+', ' ', 'g') as rating_perilaku_kerja_asli,
        {{ clean_code('predikat') }} as predikat_sumber,
        {{ clean_code('capaian_organisasi') }} as capaian_organisasi,
        {{ to_date('tanggal_penilaian') }} as tanggal_penilaian,
        {{ kolom_diperbarui_tertulis() }}
    from source

),

rated as (

    select
        typed.*,
        coalesce(hasil.kode_rating, typed.rating_hasil_kerja_asli) as rating_hasil_kerja,
        coalesce(perilaku.kode_rating, typed.rating_perilaku_kerja_asli) as rating_perilaku_kerja
    from typed
    left join rating_words as hasil
        on typed.rating_hasil_kerja_asli = hasil.kata_rating
    left join rating_words as perilaku
        on typed.rating_perilaku_kerja_asli = perilaku.kata_rating
    where typed.id_penilaian is not null

)

select
    id_penilaian,
    nip,
    nip_penilai,
    tahun,
    periode,
    rating_hasil_kerja,
    rating_perilaku_kerja,
    predikat_sumber,
    capaian_organisasi,
    tanggal_penilaian,
    {{ kolom_versi_diperbarui('id_penilaian') }}
from rated
