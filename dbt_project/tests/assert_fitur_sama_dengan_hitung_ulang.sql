-- No feature looks ahead, checked on the feature table itself rather than on the probe columns
-- of the models that build it: features are recomputed here, independently, from the marts and
-- staging using only rows dated on or before the quarter's end (tanggal_akhir_periode), and
-- every row whose feature differs fails. A join that let later data in (a later attendance
-- day, a training or sanction decreed afterwards, an SKP assessed after the quarter) shows up
-- as a difference.

with features as (

    select
        *,
        {{ quarter_start('tanggal_akhir_periode') }} as tanggal_mulai_periode
    from {{ ref('fitur_kinerja_pegawai') }}

),

recomputed as (

    select
        features.nip,
        features.periode_id,
        (
            select count(*)
            from {{ ref('fct_presensi_harian') }} as days
            where days.nip = features.nip
              and days.tanggal between features.tanggal_mulai_periode and features.tanggal_akhir_periode
        ) as hari_kerja_tercakup,
        (
            select count(*)
            from {{ ref('fct_presensi_harian') }} as days
            where days.nip = features.nip
              and days.status = 'TANPA_KETERANGAN'
              and days.tanggal between make_date(features.tahun, 1, 1) and features.tanggal_akhir_periode
        ) as hari_tanpa_keterangan_ytd,
        (
            select coalesce(sum(trainings.jp), 0)
            from {{ ref('stg_simpeg__pelatihan') }} as trainings
            where trainings.nip = features.nip
              and trainings.tanggal_selesai <= features.tanggal_akhir_periode
              and trainings.tanggal_selesai > {{ add_months('features.tanggal_akhir_periode', -12) }}
        ) as jp_12_bulan,
        (
            select count(*)
            from {{ ref('stg_simpeg__hukuman_disiplin') }} as sanctions
            where sanctions.nip = features.nip
              and sanctions.tanggal_sk <= features.tanggal_akhir_periode
              and sanctions.tanggal_sk > {{ add_months('features.tanggal_akhir_periode', -24) }}
        ) as jumlah_hukdis_24_bulan,
        (
            select max(skp.tanggal_penilaian)
            from {{ ref('fct_kinerja_periode') }} as skp
            where skp.nip = features.nip
              and skp.periode <> 'TAHUNAN'
              and skp.tanggal_penilaian <= features.tanggal_akhir_periode
        ) as tanggal_penilaian_terakhir
    from features

)

select
    features.nip,
    features.periode_id,
    'feature differs from a recomputation with data up to the quarter end' as masalah
from features
inner join recomputed
    on features.nip = recomputed.nip
    and features.periode_id = recomputed.periode_id
where features.hari_kerja_tercakup <> recomputed.hari_kerja_tercakup
   or features.hari_tanpa_keterangan_ytd <> recomputed.hari_tanpa_keterangan_ytd
   or abs(features.jp_12_bulan - recomputed.jp_12_bulan) > 0.001
   or features.jumlah_hukdis_24_bulan <> recomputed.jumlah_hukdis_24_bulan
   -- the latest SKP known then: none known means no predikat; else one assessed that day
   or (recomputed.tanggal_penilaian_terakhir is null) <> (features.predikat_terakhir is null)
   or (
        recomputed.tanggal_penilaian_terakhir is not null
        and not exists (
            select 1
            from {{ ref('fct_kinerja_periode') }} as skp
            where skp.nip = features.nip
              and skp.periode <> 'TAHUNAN'
              and skp.tanggal_penilaian = recomputed.tanggal_penilaian_terakhir
              and cast(skp.predikat as integer) = features.predikat_terakhir
        )
   )
