-- Predikat distribution per evaluation unit and SKP period against SE MenPANRB 3/2023: the
-- unit's own result (capaian organisasi) bounds how its staff may be rated. The bounds are rows
-- of seed aturan_distribusi_predikat (which predikat codes, at most / at least / some, the
-- share), so a changed circular changes data, not SQL. Where it means something:
-- - staff roll up to their unit's ancestor at depth var distribusi_kedalaman_unit (the
--   evaluation unit); a unit above that depth is its own evaluation unit;
-- - the unit head (a position of var distribusi_jabatan_kepala in the evaluation unit itself)
--   is not counted: the head's result follows the unit's, checked in hasil_kerja_kepala_sesuai
--   against seed capaian_organisasi;
-- - with fewer rated staff than var distribusi_minimal_dinilai the unit is TIDAK_DINILAI and
--   patuh is NULL, not a breach;
-- - staff records that disagree on the capaian are judged by the worst (seed capaian_organisasi
--   peringkat), not the alphabetically first code.
-- A judged unit-period is compliant when no rule of its capaian fails; aturan_gagal lists the
-- failing rule codes.

with placed as (

    select * from {{ ref('int_skp__penilaian_unit') }}
    where predikat is not null and kode_unit is not null

),

hierarchy as (

    select * from {{ ref('int_unit_kerja__hierarki') }}

),

results as (

    select * from {{ ref('capaian_organisasi') }}

),

rules as (

    select * from {{ ref('aturan_distribusi_predikat') }}

),

evaluation_units as (

    -- every unit with the unit it is judged in: its ancestor at the configured depth, or itself
    -- when it is not deeper than that
    select
        kode_unit,
        kode_unit_leluhur as kode_unit_evaluasi
    from hierarchy
    where (tingkat > {{ var('distribusi_kedalaman_unit') }}
           and jarak = tingkat - {{ var('distribusi_kedalaman_unit') }})
       or (tingkat <= {{ var('distribusi_kedalaman_unit') }} and jarak = 0)

),

placed_in_evaluation_unit as (

    select
        placed.*,
        -- a unit missing from the tree is judged as it is
        coalesce(evaluation_units.kode_unit_evaluasi, placed.kode_unit) as kode_unit_evaluasi,
        coalesce(
            coalesce(evaluation_units.kode_unit_evaluasi, placed.kode_unit) = placed.kode_unit
                and placed.jenis_jabatan in (
                    {%- for jabatan in var('distribusi_jabatan_kepala') %}'{{ jabatan }}'{{ ', ' if not loop.last }}{% endfor -%}
                ),
            false
        ) as kepala_unit
    from placed
    left join evaluation_units
        on placed.kode_unit = evaluation_units.kode_unit

),

assessments as (

    -- the staff whose ratings the circular bounds, under their evaluation unit
    select
        id_penilaian,
        kode_unit_evaluasi as kode_unit,
        tahun,
        periode,
        tanggal_akhir_periode,
        predikat,
        capaian_organisasi
    from placed_in_evaluation_unit
    where not kepala_unit

),

heads as (

    select
        heads.kode_unit_evaluasi as kode_unit,
        heads.tahun,
        heads.periode,
        min(heads.rating_hasil_kerja) as rating_hasil_kerja_kepala,
        max(heads.rating_hasil_kerja) as rating_hasil_kerja_kepala_tertinggi
    from placed_in_evaluation_unit as heads
    where heads.kepala_unit
    group by heads.kode_unit_evaluasi, heads.tahun, heads.periode

),

ranked_assessments as (

    select
        assessments.*,
        results.peringkat
    from assessments
    left join results
        on assessments.capaian_organisasi = results.capaian_organisasi

),

unit_periods as (

    select
        kode_unit,
        tahun,
        periode,
        max(tanggal_akhir_periode) as tanggal_akhir_periode,
        -- staff of one unit carry the same capaian; a disagreement is flagged and the worst kept
        max(peringkat) as peringkat_capaian,
        count(distinct capaian_organisasi) > 1 as capaian_organisasi_beragam,
        count(*) as jumlah_dinilai,
        {{ jumlah_per_predikat('predikat') }}
    from ranked_assessments
    group by kode_unit, tahun, periode

),

unit_results as (

    select
        unit_periods.*,
        results.capaian_organisasi,
        results.rating_hasil_kerja_kepala as rating_hasil_kerja_kepala_seharusnya,
        unit_periods.jumlah_dinilai >= {{ var('distribusi_minimal_dinilai') }} as dinilai
    from unit_periods
    left join results
        on unit_periods.peringkat_capaian = results.peringkat

),

judged_units as (

    select * from unit_results where dinilai

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
    from judged_units as unit_periods
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
    case when unit_periods.dinilai then 'DINILAI' else 'TIDAK_DINILAI' end as status_penilaian,
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
    -- not judged (too few staff), or no rule for the capaian (missing or unknown code): NULL
    case when failed_rules.jumlah_aturan is not null then failed_rules.jumlah_aturan_gagal = 0 end as patuh,
    failed_rules.aturan_gagal,
    -- the head's hasil kerja against the unit's result, where both are delivered
    case
        when heads.rating_hasil_kerja_kepala is not null
             and unit_periods.rating_hasil_kerja_kepala_seharusnya is not null
            then heads.rating_hasil_kerja_kepala = unit_periods.rating_hasil_kerja_kepala_seharusnya
                 and heads.rating_hasil_kerja_kepala_tertinggi = unit_periods.rating_hasil_kerja_kepala_seharusnya
    end as hasil_kerja_kepala_sesuai
from unit_results as unit_periods
left join failed_rules
    on unit_periods.kode_unit = failed_rules.kode_unit
    and unit_periods.tahun = failed_rules.tahun
    and unit_periods.periode = failed_rules.periode
left join heads
    on unit_periods.kode_unit = heads.kode_unit
    and unit_periods.tahun = heads.tahun
    and unit_periods.periode = heads.periode
