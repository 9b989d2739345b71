-- Rater leniency (kelonggaran penilai) for fairness review: per rater, unit and SKP period, the
-- share of top ratings (predikat 1, Sangat Baik) the rater gave, against the ratings all other
-- raters of the same unit gave in that period. z_skor is the two-proportion z statistic
--   (p_rater - p_peers) / sqrt(p_pooled * (1 - p_pooled) * (1 / n_rater + 1 / n_peers)),
-- NULL without peer ratings or when every rating in the unit is (or none is) top. Far above 0:
-- the rater rates more generously than the unit's other raters. The rater's unit is theirs on
-- the period's last day, else the unit of the staff they rated. BI mart: the rater appears only
-- as penilai_key, the keyed pseudonym of nip_penilai.

with assessments as (

    select
        *,
        coalesce(kode_unit_penilai, kode_unit) as kode_unit_nilai
    from {{ ref('int_skp__penilaian_unit') }}
    where predikat is not null and nip_penilai is not null

),

per_rater as (

    select
        nip_penilai,
        kode_unit_nilai as kode_unit,
        tahun,
        periode,
        count(*) as jumlah_dinilai,
        sum(case when predikat = '1' then 1 else 0 end) as jumlah_tertinggi
    from assessments
    group by nip_penilai, kode_unit_nilai, tahun, periode

),

with_peers as (

    select
        *,
        sum(jumlah_dinilai) over (partition by kode_unit, tahun, periode) - jumlah_dinilai as jumlah_dinilai_rekan,
        sum(jumlah_tertinggi) over (partition by kode_unit, tahun, periode) - jumlah_tertinggi as jumlah_tertinggi_rekan,
        count(*) over (partition by kode_unit, tahun, periode) - 1 as jumlah_penilai_rekan
    from per_rater

),

shares as (

    select
        *,
        cast(jumlah_tertinggi as {{ type_double() }}) / jumlah_dinilai as proporsi_tertinggi,
        case when jumlah_dinilai_rekan > 0
            then cast(jumlah_tertinggi_rekan as {{ type_double() }}) / jumlah_dinilai_rekan
        end as proporsi_tertinggi_rekan,
        cast(jumlah_tertinggi + jumlah_tertinggi_rekan as {{ type_double() }})
            / (jumlah_dinilai + jumlah_dinilai_rekan) as proporsi_gabungan
    from with_peers

)

select
    {{ pseudonym_key('nip_penilai') }} as penilai_key,
    kode_unit,
    tahun,
    periode,
    cast(jumlah_dinilai as integer) as jumlah_dinilai,
    cast(jumlah_tertinggi as integer) as jumlah_tertinggi,
    proporsi_tertinggi,
    cast(jumlah_penilai_rekan as integer) as jumlah_penilai_rekan,
    cast(jumlah_dinilai_rekan as integer) as jumlah_dinilai_rekan,
    proporsi_tertinggi_rekan,
    case
        when jumlah_dinilai_rekan > 0 and proporsi_gabungan > 0 and proporsi_gabungan < 1
            then (proporsi_tertinggi - proporsi_tertinggi_rekan)
                / sqrt(proporsi_gabungan * (1 - proporsi_gabungan)
                       * (1.0 / cast(jumlah_dinilai as {{ type_double() }})
                          + 1.0 / cast(jumlah_dinilai_rekan as {{ type_double() }})))
    end as z_skor
from shares
