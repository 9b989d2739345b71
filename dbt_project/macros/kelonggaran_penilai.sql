{#- Rater leniency (kelonggaran penilai), one rule for the BI mart (per SKP period) and the ML
    feature (per quarter, over the ratings known at its end). `assessments` is a relation with
    one row per rating: nip_penilai, kode_unit (the unit the rating counts in), predikat and the
    `group_columns` that delimit a comparison (e.g. tahun, periode). Per rater, unit and group:
    the share of top ratings (predikat 1, Sangat Baik) the rater gave against the ratings all
    other raters of the unit gave, as the two-proportion z statistic
      (p_rater - p_peers) / sqrt(p_pooled * (1 - p_pooled) * (1 / n_rater + 1 / n_peers)),
    NULL without peer ratings or when every rating in the unit is (or none is) top. -#}
{% macro kelonggaran_penilai(assessments, group_columns) -%}
{%- set groups = group_columns | join(', ') -%}
select
    shares.*,
    case
        when jumlah_dinilai_rekan > 0 and proporsi_gabungan > 0 and proporsi_gabungan < 1
            then (proporsi_tertinggi - proporsi_tertinggi_rekan)
                / sqrt(proporsi_gabungan * (1 - proporsi_gabungan)
                       * (1.0 / cast(jumlah_dinilai as {{ type_double() }})
                          + 1.0 / cast(jumlah_dinilai_rekan as {{ type_double() }})))
    end as z_skor
from (
    select
        with_peers.*,
        cast(jumlah_tertinggi as {{ type_double() }}) / jumlah_dinilai as proporsi_tertinggi,
        case when jumlah_dinilai_rekan > 0
            then cast(jumlah_tertinggi_rekan as {{ type_double() }}) / jumlah_dinilai_rekan
        end as proporsi_tertinggi_rekan,
        cast(jumlah_tertinggi + jumlah_tertinggi_rekan as {{ type_double() }})
            / (jumlah_dinilai + jumlah_dinilai_rekan) as proporsi_gabungan
    from (
        select
            per_rater.*,
            sum(jumlah_dinilai) over (partition by kode_unit, {{ groups }}) - jumlah_dinilai
                as jumlah_dinilai_rekan,
            sum(jumlah_tertinggi) over (partition by kode_unit, {{ groups }}) - jumlah_tertinggi
                as jumlah_tertinggi_rekan,
            count(*) over (partition by kode_unit, {{ groups }}) - 1 as jumlah_penilai_rekan
        from (
            select
                {{ groups }},
                nip_penilai,
                kode_unit,
                count(*) as jumlah_dinilai,
                sum(case when predikat = '1' then 1 else 0 end) as jumlah_tertinggi
            from {{ assessments }}
            group by {{ groups }}, nip_penilai, kode_unit
        ) as per_rater
    ) as with_peers
) as shares
{%- endmacro %}
