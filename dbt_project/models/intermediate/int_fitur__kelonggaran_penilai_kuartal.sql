-- The current rater's leniency per employee and quarter (kelonggaran_penilai): the z statistic
-- of macro kelonggaran_penilai (the same rule as mart_kelonggaran_penilai) for the rater of the
-- employee's latest quarterly SKP known at the quarter's end (int_fitur__skp_kuartal), computed
-- from the quarterly ratings known then: assessed (tanggal_penilaian) by the quarter's end, for
-- SKP periods ending in the 12 months up to it, compared with the other raters of the unit the
-- rating counts in. A rating assessed after the quarter's end (such as the next quarter's, the
-- label) never counts. `tanggal_penilaian_terakhir` is the look-ahead probe.
-- The unit of a rating is the rater's (else the rated employee's) on the SKP period's last day
-- (int_skp__penilaian_unit); it only groups the peers.

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

ratings as (

    select * from {{ ref('int_skp__penilaian_unit') }}
    where predikat is not null and nip_penilai is not null and kuartal is not null

),

latest_skp as (

    select * from {{ ref('int_fitur__skp_kuartal') }}
    where nip_penilai_terakhir is not null

),

ratings_known_at_quarter_end as (

    select
        quarters.periode_id,
        ratings.nip_penilai,
        coalesce(ratings.kode_unit_penilai, ratings.kode_unit) as kode_unit,
        ratings.predikat,
        ratings.tanggal_penilaian
    from quarters
    inner join ratings
        on ratings.tanggal_penilaian <= quarters.tanggal_akhir_periode
        and ratings.tanggal_akhir_periode > {{ add_months('quarters.tanggal_akhir_periode', -12) }}

),

leniency as (

    {{ kelonggaran_penilai('ratings_known_at_quarter_end', ['periode_id']) }}

),

probe as (

    select periode_id, nip_penilai, max(tanggal_penilaian) as tanggal_penilaian_terakhir
    from ratings_known_at_quarter_end
    group by periode_id, nip_penilai

)

select
    latest_skp.periode_id,
    latest_skp.nip,
    latest_skp.tanggal_akhir_periode,
    latest_skp.nip_penilai_terakhir as nip_penilai,
    leniency.kode_unit,
    cast(leniency.jumlah_dinilai as integer) as jumlah_dinilai,
    cast(leniency.jumlah_dinilai_rekan as integer) as jumlah_dinilai_rekan,
    leniency.z_skor as kelonggaran_penilai,
    probe.tanggal_penilaian_terakhir
from latest_skp
inner join ratings as latest_rating
    on latest_skp.id_penilaian_terakhir = latest_rating.id_penilaian
inner join leniency
    on latest_skp.periode_id = leniency.periode_id
    and latest_skp.nip_penilai_terakhir = leniency.nip_penilai
    and coalesce(latest_rating.kode_unit_penilai, latest_rating.kode_unit) = leniency.kode_unit
left join probe
    on latest_skp.periode_id = probe.periode_id
    and latest_skp.nip_penilai_terakhir = probe.nip_penilai
