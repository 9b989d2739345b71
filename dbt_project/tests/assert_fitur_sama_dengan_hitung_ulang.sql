-- No feature looks ahead, checked on the feature table itself rather than on the probe columns
-- of the models that build it: features are recomputed here, independently, from the marts and
-- staging using only rows dated on or before the quarter's end (tanggal_akhir_periode), and
-- every row whose feature differs fails. A join that let later data in (a later attendance
-- day, a training or sanction decreed afterwards, an SKP assessed or revised after the quarter)
-- shows up as a difference. Attendance days come from int_fitur__presensi_harian, each day judged with
-- the leave decisions known at the end of its own quarter (fct_presensi_harian uses the newest
-- ones, which a quarter's features must not). Joins on nip with a date range, no correlated
-- subqueries: PostgreSQL would rescan the facts once per feature row.

with features as (

    select
        nip,
        periode_id,
        tahun,
        tanggal_akhir_periode,
        {{ quarter_start('tanggal_akhir_periode') }} as tanggal_mulai_periode,
        hari_kerja_tercakup,
        hari_tanpa_keterangan_ytd,
        jp_12_bulan,
        jumlah_hukdis_24_bulan,
        predikat_terakhir
    from {{ ref('fitur_kinerja_pegawai') }}

),

quarterly_skp as (

    -- each quarterly SKP in its newest version known at the feature's quarter end
    select
        features.nip,
        features.periode_id,
        versions.tanggal_penilaian,
        cast(versions.predikat as integer) as predikat,
        row_number() over (
            partition by features.nip, features.periode_id, versions.id_penilaian
            order by versions.urutan_versi desc
        ) as version_rank
    from features
    inner join {{ ref('int_skp__penilaian_versi') }} as versions
        on versions.nip = features.nip
        and versions.diketahui_pada <= features.tanggal_akhir_periode
    where versions.periode <> 'TAHUNAN'

),

attendance as (

    select
        features.nip,
        features.periode_id,
        sum(case when days.tanggal >= features.tanggal_mulai_periode then 1 else 0 end) as hari_kerja_tercakup,
        sum(case when days.status = 'TANPA_KETERANGAN' then 1 else 0 end) as hari_tanpa_keterangan_ytd
    from features
    inner join {{ ref('int_fitur__presensi_harian') }} as days
        on days.nip = features.nip
        and days.tanggal between make_date(features.tahun, 1, 1) and features.tanggal_akhir_periode
    group by features.nip, features.periode_id

),

training as (

    select features.nip, features.periode_id, sum(trainings.jp) as jp_12_bulan
    from features
    inner join {{ ref('stg_simpeg__pelatihan') }} as trainings
        on trainings.nip = features.nip
        and trainings.tanggal_selesai <= features.tanggal_akhir_periode
        and trainings.tanggal_selesai > {{ add_months('features.tanggal_akhir_periode', -12) }}
    group by features.nip, features.periode_id

),

sanctions as (

    select features.nip, features.periode_id, count(*) as jumlah_hukdis_24_bulan
    from features
    inner join {{ ref('stg_simpeg__hukuman_disiplin') }} as sanctions
        on sanctions.nip = features.nip
        and sanctions.tanggal_sk <= features.tanggal_akhir_periode
        and sanctions.tanggal_sk > {{ add_months('features.tanggal_akhir_periode', -24) }}
    group by features.nip, features.periode_id

),

latest_skp_date as (

    select quarterly_skp.nip, quarterly_skp.periode_id, max(quarterly_skp.tanggal_penilaian) as tanggal_penilaian
    from quarterly_skp
    inner join features
        on quarterly_skp.nip = features.nip
        and quarterly_skp.periode_id = features.periode_id
    where quarterly_skp.version_rank = 1
      and quarterly_skp.tanggal_penilaian <= features.tanggal_akhir_periode
    group by quarterly_skp.nip, quarterly_skp.periode_id

),

latest_skp_matches as (

    -- the feature's predikat is that of an SKP assessed on the latest date known then
    select distinct latest_skp_date.nip, latest_skp_date.periode_id, quarterly_skp.predikat
    from latest_skp_date
    inner join quarterly_skp
        on quarterly_skp.nip = latest_skp_date.nip
        and quarterly_skp.periode_id = latest_skp_date.periode_id
        and quarterly_skp.tanggal_penilaian = latest_skp_date.tanggal_penilaian
        and quarterly_skp.version_rank = 1

)

select
    features.nip,
    features.periode_id,
    'feature differs from a recomputation with data up to the quarter end' as masalah
from features
left join attendance
    on features.nip = attendance.nip and features.periode_id = attendance.periode_id
left join training
    on features.nip = training.nip and features.periode_id = training.periode_id
left join sanctions
    on features.nip = sanctions.nip and features.periode_id = sanctions.periode_id
left join latest_skp_date
    on features.nip = latest_skp_date.nip and features.periode_id = latest_skp_date.periode_id
left join latest_skp_matches
    on features.nip = latest_skp_matches.nip
    and features.periode_id = latest_skp_matches.periode_id
    and features.predikat_terakhir = latest_skp_matches.predikat
where features.hari_kerja_tercakup <> coalesce(attendance.hari_kerja_tercakup, 0)
   or features.hari_tanpa_keterangan_ytd <> coalesce(attendance.hari_tanpa_keterangan_ytd, 0)
   or abs(features.jp_12_bulan - coalesce(training.jp_12_bulan, 0)) > 0.001
   or features.jumlah_hukdis_24_bulan <> coalesce(sanctions.jumlah_hukdis_24_bulan, 0)
   or (latest_skp_date.tanggal_penilaian is null) <> (features.predikat_terakhir is null)
   or (latest_skp_date.tanggal_penilaian is not null and latest_skp_matches.predikat is null)
