-- SKP results (e-Kinerja): the newest version of every id_penilaian, ratings as SIASN codes
-- (words such as "Sesuai Ekspektasi" are mapped through the seed generated from the contract).

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
        {{ iso_wall_clock('diperbarui_pada') }} as diperbarui_pada_tertulis,
        {{ iso_offset_minutes('diperbarui_pada') }} as offset_menit_tertulis,
        _extraction_date,
        _loaded_at,
        _row_number
    from source

),

versioned as (

    select
        *,
        row_number() over (
            partition by id_penilaian
            order by
                {{ to_utc('diperbarui_pada_tertulis', 'coalesce(offset_menit_tertulis, 0)') }} desc nulls last,
                _extraction_date desc,
                _loaded_at desc,
                _row_number desc
        ) as version_rank
    from typed
    where id_penilaian is not null

)

select
    versioned.id_penilaian,
    versioned.nip,
    versioned.nip_penilai,
    versioned.tahun,
    versioned.periode,
    coalesce(hasil.kode_rating, versioned.rating_hasil_kerja_asli) as rating_hasil_kerja,
    coalesce(perilaku.kode_rating, versioned.rating_perilaku_kerja_asli) as rating_perilaku_kerja,
    versioned.predikat_sumber,
    versioned.capaian_organisasi,
    versioned.tanggal_penilaian,
    case
        when versioned.offset_menit_tertulis is not null
            then {{ to_utc('versioned.diperbarui_pada_tertulis', 'versioned.offset_menit_tertulis') }}
    end as diperbarui_pada_utc,
    versioned.diperbarui_pada_tertulis,
    versioned._extraction_date,
    versioned._loaded_at
from versioned
left join rating_words as hasil
    on versioned.rating_hasil_kerja_asli = hasil.kata_rating
left join rating_words as perilaku
    on versioned.rating_perilaku_kerja_asli = perilaku.kata_rating
where versioned.version_rank = 1
