-- Predikat distribution per unit and SKP period against SE MenPANRB 3/2023: the unit's own
-- result (capaian organisasi) bounds how its staff may be rated. The bounds are rows of seed
-- aturan_distribusi_predikat (which predikat codes, at most / at least / some, the share), so a
-- changed circular changes data, not SQL. A unit-period is compliant when no rule of its
-- capaian fails; aturan_gagal lists the failing rule codes.

with assessments as (

    select * from {{ ref('int_skp__penilaian_unit') }}
    where predikat is not null and kode_unit is not null

),

rules as (

    select * from {{ ref('aturan_distribusi_predikat') }}

),

unit_periods as (

    select
        kode_unit,
        tahun,
        periode,
        max(tanggal_akhir_periode) as tanggal_akhir_periode,
        -- staff of one unit carry the same capaian; a disagreement is flagged, the lowest code kept
        min(capaian_organisasi) as capaian_organisasi,
        count(distinct capaian_organisasi) > 1 as capaian_organisasi_beragam,
        count(*) as jumlah_dinilai,
        sum(case when predikat = '1' then 1 else 0 end) as jumlah_sangat_baik,
        sum(case when predikat = '2' then 1 else 0 end) as jumlah_baik,
        sum(case when predikat = '3' then 1 else 0 end) as jumlah_butuh_perbaikan,
        sum(case when predikat = '4' then 1 else 0 end) as jumlah_kurang,
        sum(case when predikat = '5' then 1 else 0 end) as jumlah_sangat_kurang
    from assessments
    group by kode_unit, tahun, periode

),

rule_counts as (

    -- staff whose predikat is in the rule's group ("3|4" is Butuh Perbaikan or Kurang)
    select
        unit_periods.kode_unit,
        unit_periods.tahun,
        unit_periods.periode,
        rules.urutan,
        rules.kode_aturan,
        rules.jenis_batas,
        rules.proporsi,
        unit_periods.jumlah_dinilai,
        count(assessments.id_penilaian) as jumlah_dalam_kelompok
    from unit_periods
    inner join rules
        on unit_periods.capaian_organisasi = rules.capaian_organisasi
    left join assessments
        on unit_periods.kode_unit = assessments.kode_unit
        and unit_periods.tahun = assessments.tahun
        and unit_periods.periode = assessments.periode
        and '|' || rules.predikat_kelompok || '|' like '%|' || assessments.predikat || '|%'
    group by
        unit_periods.kode_unit, unit_periods.tahun, unit_periods.periode, rules.urutan, rules.kode_aturan,
        rules.jenis_batas, rules.proporsi, unit_periods.jumlah_dinilai

),

failed_rules as (

    select
        kode_unit,
        tahun,
        periode,
        count(*) as jumlah_aturan,
        sum(case when gagal then 1 else 0 end) as jumlah_aturan_gagal,
        -- in the circular's order (urutan), not by code: collations sort '_' differently
        string_agg(case when gagal then kode_aturan end, ',' order by urutan) as aturan_gagal
    from (
        select
            *,
            case jenis_batas
                when 'PALING_BANYAK' then jumlah_dalam_kelompok > proporsi * jumlah_dinilai
                when 'PALING_SEDIKIT' then jumlah_dalam_kelompok < proporsi * jumlah_dinilai
                when 'ADA' then jumlah_dalam_kelompok = 0
            end as gagal
        from rule_counts
    ) as judged
    group by kode_unit, tahun, periode

)

select
    unit_periods.kode_unit,
    unit_periods.tahun,
    unit_periods.periode,
    unit_periods.tanggal_akhir_periode,
    unit_periods.capaian_organisasi,
    unit_periods.capaian_organisasi_beragam,
    cast(unit_periods.jumlah_dinilai as integer) as jumlah_dinilai,
    cast(unit_periods.jumlah_sangat_baik as integer) as jumlah_sangat_baik,
    cast(unit_periods.jumlah_baik as integer) as jumlah_baik,
    cast(unit_periods.jumlah_butuh_perbaikan as integer) as jumlah_butuh_perbaikan,
    cast(unit_periods.jumlah_kurang as integer) as jumlah_kurang,
    cast(unit_periods.jumlah_sangat_kurang as integer) as jumlah_sangat_kurang,
    cast(unit_periods.jumlah_sangat_baik as {{ type_double() }}) / unit_periods.jumlah_dinilai as proporsi_sangat_baik,
    cast(unit_periods.jumlah_baik as {{ type_double() }}) / unit_periods.jumlah_dinilai as proporsi_baik,
    cast(unit_periods.jumlah_butuh_perbaikan as {{ type_double() }}) / unit_periods.jumlah_dinilai as proporsi_butuh_perbaikan,
    cast(unit_periods.jumlah_kurang as {{ type_double() }}) / unit_periods.jumlah_dinilai as proporsi_kurang,
    cast(unit_periods.jumlah_sangat_kurang as {{ type_double() }}) / unit_periods.jumlah_dinilai as proporsi_sangat_kurang,
    cast(coalesce(failed_rules.jumlah_aturan, 0) as integer) as jumlah_aturan,
    cast(coalesce(failed_rules.jumlah_aturan_gagal, 0) as integer) as jumlah_aturan_gagal,
    -- no rule for the capaian (missing or unknown code): compliance cannot be judged
    case when failed_rules.jumlah_aturan is not null then failed_rules.jumlah_aturan_gagal = 0 end as patuh,
    failed_rules.aturan_gagal
from unit_periods
left join failed_rules
    on unit_periods.kode_unit = failed_rules.kode_unit
    and unit_periods.tahun = failed_rules.tahun
    and unit_periods.periode = failed_rules.periode
