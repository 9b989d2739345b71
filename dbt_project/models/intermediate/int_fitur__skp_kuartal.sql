-- SKP features and the label per employee and quarter.
-- Feature: the most recent quarterly SKP already assessed (tanggal_penilaian) by the quarter's
-- end, and who assessed it; `tanggal_penilaian_terakhir` lets a test prove no later assessment
-- leaks in.
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

known_at_quarter_end as (

    select
        quarters.periode_id,
        quarters.tanggal_akhir_periode,
        quarterly_skp.nip,
        quarterly_skp.id_penilaian,
        quarterly_skp.nip_penilai,
        quarterly_skp.predikat,
        quarterly_skp.rating_hasil_kerja,
        quarterly_skp.rating_perilaku_kerja,
        quarterly_skp.tanggal_penilaian,
        row_number() over (
            partition by quarters.periode_id, quarterly_skp.nip
            order by
                quarterly_skp.tahun desc,
                quarterly_skp.kuartal desc,
                quarterly_skp.tanggal_penilaian desc,
                quarterly_skp.id_penilaian desc
        ) as recency_rank
    from quarters
    inner join quarterly_skp
        on quarterly_skp.tanggal_penilaian <= quarters.tanggal_akhir_periode

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
