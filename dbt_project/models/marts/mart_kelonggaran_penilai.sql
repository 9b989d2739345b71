-- Rater leniency (kelonggaran penilai) for fairness review: per rater, unit and SKP period, the
-- share of top ratings (predikat 1, Sangat Baik) the rater gave, against the ratings all other
-- raters of the same unit gave in that period, as a two-proportion z statistic (macro
-- kelonggaran_penilai, shared with the ML feature of the same name). Far above 0: the rater
-- rates more generously than the unit's other raters. The rater's unit is theirs on the period's
-- last day, else the unit of the staff they rated. BI mart: the rater appears only as
-- penilai_key, the keyed pseudonym of nip_penilai.

with ratings as (

    select
        nip_penilai,
        coalesce(kode_unit_penilai, kode_unit) as kode_unit,
        tahun,
        periode,
        predikat
    from {{ ref('int_skp__penilaian_unit') }}
    where predikat is not null and nip_penilai is not null

),

leniency as (

    {{ kelonggaran_penilai('ratings', ['tahun', 'periode']) }}

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
    z_skor
from leniency
