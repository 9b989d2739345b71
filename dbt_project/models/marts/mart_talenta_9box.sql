-- Talent 9-box (PermenPANRB 3/2020) per employee and year with an annual (TAHUNAN) SKP.
-- kinerja: the recomputed annual predikat through seed kinerja_talenta (Sangat Baik above, Baik
-- as expected, the rest below expectation). With the year before also rated, the lower of the
-- two levels counts: above expectation has to hold for two years, one year below pulls down.
-- potensi is a PROXY, not an assessed potential (no assessment-centre data is delivered): one
-- point each, judged at the year's end, for
--   education S1 or higher (tingkat_pendidikan >= 8),
--   at least 20 JP of training finished in the year,
--   at least 2 years in the current position (tmt_jabatan; the extract has no TMT golongan),
--   no disciplinary sanction decreed in the 2 years to the year's end;
-- the level per score from seed potensi_talenta. A point whose data was never delivered
-- (int_sumber__tahun_terkirim: training for the year, discipline for both years of the window)
-- is unknown, not 0 JP or a clean record: the level is given only when every value the unknown
-- points could take leads to the same level, otherwise tingkat_potensi and kotak stay NULL.
-- The box number comes from seed kotak_talenta (DOMAIN.md); boxes 7-9 are succession
-- candidates. Staff with a SEDANG or BERAT sanction decreed in the 2 years to the year's end are
-- excluded from the talent pool (no row).
-- BI mart: pseudonymous pegawai_key, no direct identifiers.

with annual_results as (

    select
        *,
        make_date(tahun, 12, 31) as akhir_tahun
    from {{ ref('int_skp__penilaian') }}
    where jenis_periode = 'TAHUNAN' and predikat is not null

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

education_levels as (

    select * from {{ ref('tingkat_pendidikan') }}

),

competency as (

    select * from {{ ref('fct_pengembangan_kompetensi') }}

),

sanctions as (

    select * from {{ ref('stg_simpeg__hukuman_disiplin') }}

),

known_years as (

    select * from {{ ref('int_sumber__tahun_terkirim') }}

),

performance_levels as (

    select * from {{ ref('kinerja_talenta') }}

),

potential_levels as (

    select * from {{ ref('potensi_talenta') }}

),

boxes as (

    select * from {{ ref('kotak_talenta') }}

),

two_year_performance as (

    select
        annual_results.nip,
        annual_results.tahun,
        annual_results.akhir_tahun,
        annual_results.predikat,
        previous_year.predikat as predikat_tahun_sebelumnya,
        case
            when previous_level.urutan_kinerja < this_level.urutan_kinerja
                then previous_level.tingkat_kinerja
            else this_level.tingkat_kinerja
        end as tingkat_kinerja
    from annual_results
    left join annual_results as previous_year
        on annual_results.nip = previous_year.nip
        and annual_results.tahun - 1 = previous_year.tahun
    left join performance_levels as this_level
        on annual_results.predikat = this_level.predikat
    left join performance_levels as previous_level
        on previous_year.predikat = previous_level.predikat

),

state_at_year_end as (

    select
        annual_results.nip,
        annual_results.tahun,
        employee_history.kode_unit,
        employee_history.pendidikan,
        employee_history.tmt_jabatan,
        row_number() over (
            partition by annual_results.nip, annual_results.tahun
            order by employee_history.berlaku_mulai desc
        ) as state_rank
    from annual_results
    inner join employee_history
        on annual_results.nip = employee_history.nip
        and employee_history.berlaku_mulai <= annual_results.akhir_tahun

),

sanctions_in_window as (

    select
        annual_results.nip,
        annual_results.tahun,
        count(*) as jumlah_hukdis,
        sum(case when sanctions.tingkat in ('SEDANG', 'BERAT') then 1 else 0 end) as jumlah_hukdis_sedang_berat
    from annual_results
    inner join sanctions
        on annual_results.nip = sanctions.nip
        and {{ dalam_bulan_terakhir('sanctions.tanggal_sk', 'annual_results.akhir_tahun', 24) }}
    group by annual_results.nip, annual_results.tahun

),

known_training_years as (

    select tahun from known_years where ekstrak = 'pelatihan'

),

known_discipline_windows as (

    -- the 24 months to a year's end span that year and the one before: both must be known
    select this_year.tahun
    from known_years as this_year
    inner join known_years as year_before
        on this_year.ekstrak = year_before.ekstrak
        and this_year.tahun - 1 = year_before.tahun
    where this_year.ekstrak = 'hukuman_disiplin'

),

points as (

    select
        two_year_performance.nip,
        two_year_performance.tahun,
        two_year_performance.predikat,
        two_year_performance.predikat_tahun_sebelumnya,
        two_year_performance.tingkat_kinerja,
        state_at_year_end.kode_unit,
        case when education_levels.tingkat_pendidikan >= 8 then 1 else 0 end as poin_pendidikan,
        case
            when competency.jp_total >= 20 then 1
            when known_training_years.tahun is not null then 0
        end as poin_pelatihan,
        case
            when state_at_year_end.tmt_jabatan <= {{ add_months('two_year_performance.akhir_tahun', -24) }} then 1
            else 0
        end as poin_masa_jabatan,
        case
            when sanctions_in_window.jumlah_hukdis > 0 then 0
            when known_discipline_windows.tahun is not null then 1
        end as poin_tanpa_hukdis,
        coalesce(sanctions_in_window.jumlah_hukdis_sedang_berat, 0) > 0 as dikecualikan
    from two_year_performance
    left join state_at_year_end
        on two_year_performance.nip = state_at_year_end.nip
        and two_year_performance.tahun = state_at_year_end.tahun
        and state_at_year_end.state_rank = 1
    left join education_levels
        on state_at_year_end.pendidikan = education_levels.pendidikan
    left join competency
        on two_year_performance.nip = competency.nip
        and two_year_performance.tahun = competency.tahun
    left join sanctions_in_window
        on two_year_performance.nip = sanctions_in_window.nip
        and two_year_performance.tahun = sanctions_in_window.tahun
    left join known_training_years
        on two_year_performance.tahun = known_training_years.tahun
    left join known_discipline_windows
        on two_year_performance.tahun = known_discipline_windows.tahun

),

score_range as (

    select
        *,
        poin_pendidikan + coalesce(poin_pelatihan, 0) + poin_masa_jabatan
            + coalesce(poin_tanpa_hukdis, 0) as skor_potensi_minimum,
        poin_pendidikan + coalesce(poin_pelatihan, 1) + poin_masa_jabatan
            + coalesce(poin_tanpa_hukdis, 1) as skor_potensi_maksimum
    from points
    where not dikecualikan

),

leveled as (

    select
        score_range.*,
        case
            when lowest.tingkat_potensi = highest.tingkat_potensi then lowest.tingkat_potensi
        end as tingkat_potensi
    from score_range
    left join potential_levels as lowest
        on score_range.skor_potensi_minimum = lowest.skor_potensi
    left join potential_levels as highest
        on score_range.skor_potensi_maksimum = highest.skor_potensi

)

select
    {{ pseudonym_key('leveled.nip') }} as pegawai_key,
    leveled.tahun,
    leveled.kode_unit,
    leveled.predikat,
    leveled.predikat_tahun_sebelumnya,
    leveled.tingkat_kinerja,
    cast(leveled.poin_pendidikan as integer) as poin_pendidikan,
    cast(leveled.poin_pelatihan as integer) as poin_pelatihan,
    cast(leveled.poin_masa_jabatan as integer) as poin_masa_jabatan,
    cast(leveled.poin_tanpa_hukdis as integer) as poin_tanpa_hukdis,
    cast(case when leveled.skor_potensi_minimum = leveled.skor_potensi_maksimum
        then leveled.skor_potensi_minimum end as integer) as skor_potensi,
    cast(leveled.skor_potensi_minimum as integer) as skor_potensi_minimum,
    cast(leveled.skor_potensi_maksimum as integer) as skor_potensi_maksimum,
    leveled.tingkat_potensi,
    cast(boxes.kotak as integer) as kotak,
    boxes.kotak >= 7 as kandidat_suksesi
from leveled
left join boxes
    on leveled.tingkat_kinerja = boxes.tingkat_kinerja
    and leveled.tingkat_potensi = boxes.tingkat_potensi
