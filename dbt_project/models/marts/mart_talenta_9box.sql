-- Talent 9-box (PermenPANRB 3/2020) per employee and year with an annual (TAHUNAN) SKP.
-- kinerja: the recomputed annual predikat through seed kinerja_talenta (Sangat Baik above,
-- Baik as expected, the rest below expectation). potensi is a PROXY, not an assessed potential
-- (no assessment-centre data is delivered): one point each, judged at the year's end, for
--   education S1 or higher (tingkat_pendidikan >= 8),
--   at least 20 JP of training finished in the year,
--   at least 2 years in the current position (tmt_jabatan; the extract has no TMT golongan),
--   no disciplinary sanction decreed in the 2 years to the year's end;
-- 0-1 points RENDAH, 2-3 MENENGAH, 4 TINGGI. The box number comes from seed kotak_talenta
-- (DOMAIN.md); boxes 7-9 are succession candidates. Staff with a SEDANG or BERAT sanction
-- decreed in the 2 years to the year's end are excluded from the talent pool (no row).
-- BI mart: pseudonymous pegawai_key, no direct identifiers.

with annual_results as (

    select
        *,
        make_date(tahun, 12, 31) as akhir_tahun
    from {{ ref('int_skp__penilaian') }}
    where periode = 'TAHUNAN' and predikat is not null

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

performance_levels as (

    select * from {{ ref('kinerja_talenta') }}

),

boxes as (

    select * from {{ ref('kotak_talenta') }}

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

points as (

    select
        annual_results.nip,
        annual_results.tahun,
        annual_results.predikat,
        performance_levels.tingkat_kinerja,
        state_at_year_end.kode_unit,
        case when education_levels.tingkat_pendidikan >= 8 then 1 else 0 end as poin_pendidikan,
        case when coalesce(competency.jp_total, 0) >= 20 then 1 else 0 end as poin_pelatihan,
        case
            when state_at_year_end.tmt_jabatan <= {{ add_months('annual_results.akhir_tahun', -24) }} then 1
            else 0
        end as poin_masa_jabatan,
        case when coalesce(sanctions_in_window.jumlah_hukdis, 0) = 0 then 1 else 0 end as poin_tanpa_hukdis,
        coalesce(sanctions_in_window.jumlah_hukdis_sedang_berat, 0) > 0 as dikecualikan
    from annual_results
    left join state_at_year_end
        on annual_results.nip = state_at_year_end.nip
        and annual_results.tahun = state_at_year_end.tahun
        and state_at_year_end.state_rank = 1
    left join education_levels
        on state_at_year_end.pendidikan = education_levels.pendidikan
    left join competency
        on annual_results.nip = competency.nip
        and annual_results.tahun = competency.tahun
    left join sanctions_in_window
        on annual_results.nip = sanctions_in_window.nip
        and annual_results.tahun = sanctions_in_window.tahun
    left join performance_levels
        on annual_results.predikat = performance_levels.predikat

),

scored as (

    select
        *,
        poin_pendidikan + poin_pelatihan + poin_masa_jabatan + poin_tanpa_hukdis as skor_potensi
    from points
    where not dikecualikan

),

leveled as (

    select
        *,
        case
            when skor_potensi >= 4 then 'TINGGI'
            when skor_potensi >= 2 then 'MENENGAH'
            else 'RENDAH'
        end as tingkat_potensi
    from scored

)

select
    {{ pseudonym_key('leveled.nip') }} as pegawai_key,
    leveled.tahun,
    leveled.kode_unit,
    leveled.predikat,
    leveled.tingkat_kinerja,
    cast(leveled.poin_pendidikan as integer) as poin_pendidikan,
    cast(leveled.poin_pelatihan as integer) as poin_pelatihan,
    cast(leveled.poin_masa_jabatan as integer) as poin_masa_jabatan,
    cast(leveled.poin_tanpa_hukdis as integer) as poin_tanpa_hukdis,
    cast(leveled.skor_potensi as integer) as skor_potensi,
    leveled.tingkat_potensi,
    cast(boxes.kotak as integer) as kotak,
    boxes.kotak >= 7 as kandidat_suksesi
from leveled
left join boxes
    on leveled.tingkat_kinerja = boxes.tingkat_kinerja
    and leveled.tingkat_potensi = boxes.tingkat_potensi
