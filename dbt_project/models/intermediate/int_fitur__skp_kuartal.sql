-- SKP features and the label per employee and quarter.
-- Feature: the most recent quarterly SKP already assessed (tanggal_penilaian) by the quarter's
-- end, in its version known at the end (diketahui_pada: a later revision is not seen), and who
-- assessed it; `tanggal_penilaian_terakhir` lets a test prove no later assessment leaks in.
-- Label: the recomputed predikat of the NEXT quarter's SKP, and the date it became known.

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

quarterly_skp as (

    select * from {{ ref('int_skp__penilaian') }}
    where kuartal is not null

),

at_risk as (

    select * from {{ ref('predikat') }}

),

quarterly_skp_versions as (

    select * from {{ ref('int_skp__penilaian_versi') }}
    where kuartal is not null

),

versions_known_at_quarter_end as (

    -- each result as it stood at the quarter's end: its newest version known by then (a rating
    -- revised afterwards keeps its old value here)
    select
        quarters.periode_id,
        quarters.tanggal_akhir_periode,
        quarterly_skp_versions.id_penilaian,
        quarterly_skp_versions.nip,
        quarterly_skp_versions.nip_penilai,
        quarterly_skp_versions.tahun,
        quarterly_skp_versions.kuartal,
        quarterly_skp_versions.predikat,
        quarterly_skp_versions.rating_hasil_kerja,
        quarterly_skp_versions.rating_perilaku_kerja,
        quarterly_skp_versions.tanggal_penilaian,
        row_number() over (
            partition by quarters.periode_id, quarterly_skp_versions.id_penilaian
            order by quarterly_skp_versions.urutan_versi desc
        ) as version_rank
    from quarters
    inner join quarterly_skp_versions
        on quarterly_skp_versions.diketahui_pada <= quarters.tanggal_akhir_periode

),

known_at_quarter_end as (

    select
        periode_id,
        tanggal_akhir_periode,
        nip,
        id_penilaian,
        nip_penilai,
        predikat,
        rating_hasil_kerja,
        rating_perilaku_kerja,
        tanggal_penilaian,
        row_number() over (
            partition by periode_id, nip
            order by
                tahun desc,
                kuartal desc,
                tanggal_penilaian desc,
                id_penilaian desc
        ) as recency_rank
    from versions_known_at_quarter_end
    where version_rank = 1
      and tanggal_penilaian <= tanggal_akhir_periode

),

next_quarter as (

    select
        quarters.periode_id,
        quarters.tanggal_akhir_periode,
        quarterly_skp.nip,
        quarterly_skp.predikat,
        at_risk.berisiko,
        quarterly_skp.tanggal_penilaian,
        row_number() over (
            partition by quarters.periode_id, quarterly_skp.nip
            order by quarterly_skp.tanggal_penilaian desc, quarterly_skp.id_penilaian desc
        ) as recency_rank
    from quarters
    inner join quarterly_skp
        on quarterly_skp.tahun = case when quarters.kuartal = 4 then quarters.tahun + 1 else quarters.tahun end
        and quarterly_skp.kuartal = case when quarters.kuartal = 4 then 1 else quarters.kuartal + 1 end
    left join at_risk
        on quarterly_skp.predikat = at_risk.predikat

),

latest as (

    select * from known_at_quarter_end where recency_rank = 1

),

label as (

    select * from next_quarter where recency_rank = 1

)

select
    coalesce(latest.periode_id, label.periode_id) as periode_id,
    coalesce(latest.nip, label.nip) as nip,
    coalesce(latest.tanggal_akhir_periode, label.tanggal_akhir_periode) as tanggal_akhir_periode,
    cast(latest.predikat as integer) as predikat_terakhir,
    cast(latest.rating_hasil_kerja as integer) as rating_hasil_terakhir,
    cast(latest.rating_perilaku_kerja as integer) as rating_perilaku_terakhir,
    latest.tanggal_penilaian as tanggal_penilaian_terakhir,
    -- the employee's latest rater: who assessed that SKP
    latest.id_penilaian as id_penilaian_terakhir,
    latest.nip_penilai as nip_penilai_terakhir,
    cast(label.predikat as integer) as predikat_berikutnya,
    label.berisiko as label_berisiko,
    label.tanggal_penilaian as tanggal_label_tersedia
from latest
full outer join label
    on latest.periode_id = label.periode_id
    and latest.nip = label.nip
