-- The current rater's leniency per employee and quarter (kelonggaran_penilai): the z statistic
-- of macro kelonggaran_penilai (the same rule as mart_kelonggaran_penilai) for the rater of the
-- employee's latest quarterly SKP known at the quarter's end (int_fitur__skp_kuartal), computed
-- from the quarterly ratings known then: assessed (tanggal_penilaian) by the quarter's end, in
-- their version known at it (a later revision is not seen), for SKP periods ending in the 12
-- months up to it, compared with the other raters of the unit the rating counts in. A rating
-- assessed after the quarter's end (such as the next quarter's, the label) never counts.
-- `tanggal_penilaian_terakhir` is the look-ahead probe.
-- The unit of a rating is the rater's (else the rated employee's) on the SKP period's last day
-- (int_skp__penilaian_unit, from the rating's newest version and the employee history); it only
-- groups the peers, and a revision does not move a rating to another rater.

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

rating_versions as (

    select * from {{ ref('int_skp__penilaian_versi') }}
    where kuartal is not null

),

rating_units as (

    select id_penilaian, coalesce(kode_unit_penilai, kode_unit) as kode_unit
    from {{ ref('int_skp__penilaian_unit') }}

),

latest_skp as (

    select * from {{ ref('int_fitur__skp_kuartal') }}
    where nip_penilai_terakhir is not null

),

versions_known_at_quarter_end as (

    -- each rating as it stood at the quarter's end: its newest version known by then
    select
        quarters.periode_id,
        rating_versions.id_penilaian,
        rating_versions.nip_penilai,
        rating_versions.predikat,
        rating_versions.tanggal_penilaian,
        row_number() over (
            partition by quarters.periode_id, rating_versions.id_penilaian
            order by rating_versions.urutan_versi desc
        ) as version_rank
    from quarters
    inner join rating_versions
        on rating_versions.diketahui_pada <= quarters.tanggal_akhir_periode
        and rating_versions.tanggal_penilaian <= quarters.tanggal_akhir_periode
        and rating_versions.tanggal_akhir_periode > {{ add_months('quarters.tanggal_akhir_periode', -12) }}

),

ratings_known_at_quarter_end as (

    select
        known.periode_id,
        known.nip_penilai,
        rating_units.kode_unit,
        known.predikat,
        known.tanggal_penilaian
    from versions_known_at_quarter_end as known
    inner join rating_units
        on known.id_penilaian = rating_units.id_penilaian
    where known.version_rank = 1
      and known.predikat is not null
      and known.nip_penilai is not null

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
inner join rating_units as latest_rating
    on latest_skp.id_penilaian_terakhir = latest_rating.id_penilaian
inner join leniency
    on latest_skp.periode_id = leniency.periode_id
    and latest_skp.nip_penilai_terakhir = leniency.nip_penilai
    and latest_rating.kode_unit = leniency.kode_unit
left join probe
    on latest_skp.periode_id = probe.periode_id
    and latest_skp.nip_penilai_terakhir = probe.nip_penilai
