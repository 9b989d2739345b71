-- Attendance discipline (disiplin presensi) per employee and calendar year: unexcused days and
-- the longest run of them, and the PP 94/2021 level and sanction they imply. The thresholds are
-- data (seed sanksi_disiplin): each row matches either the cumulative count (KUMULATIF: unexcused
-- days, plus lateness made into days where var akumulasi_terlambat_pulang_cepat is on) or the
-- longest run (BERTURUT) within its day range; the heaviest match (highest urutan) applies. A run
-- that goes on across the year end counts its days in both years, and its BERTURUT sanction
-- belongs to the year in which it crossed the threshold: a year whose longest run had already
-- reached it before 1 January does not match that row again. The rows are worded per
-- employment status: a CPNS's or PPPK's own rows replace the PNS ('*') rows of the same urutan
-- and dasar, by the employee's status on the last day counted.

{{ config(materialized='incremental', unique_key='tahun') }}
-- Incremental by year, rebuilding the same years as int_disiplin__tahunan (same window, same
-- watermark: `_dimuat_pada` passes through).

with yearly as (

    select
        *,
        -- the days the cumulative rule counts: unexcused days, plus lateness and early departure
        -- made into days where the agency switches that on (var akumulasi_terlambat_pulang_cepat)
        hari_tanpa_keterangan
        {% if var('akumulasi_terlambat_pulang_cepat') %}
            + hari_setara_terlambat_pulang_cepat
        {% endif %}
        as hari_kumulatif
    from {{ ref('int_disiplin__tahunan') }}
    {% if is_incremental() %}
    where tahun >= cast(extract(year from {{ awal_periode_dibangun_ulang('year') }}) as integer)
    {% endif %}

),

sanctions as (

    select * from {{ ref('sanksi_disiplin') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

worded_statuses as (

    select distinct status_kepegawaian from sanctions where status_kepegawaian <> '*'

),

sanctions_per_status as (

    -- every status's own rows, then for each status the '*' rows it does not replace, and the
    -- '*' rows as they are for every other status
    select status_kepegawaian, urutan, dasar, hari_minimal, hari_maksimal, tingkat_hukdis, sanksi
    from sanctions
    where status_kepegawaian <> '*'

    union all

    select
        worded_statuses.status_kepegawaian,
        general.urutan, general.dasar, general.hari_minimal, general.hari_maksimal,
        general.tingkat_hukdis, general.sanksi
    from worded_statuses
    cross join sanctions as general
    where general.status_kepegawaian = '*'
      and not exists (
          select 1
          from sanctions as own
          where own.status_kepegawaian = worded_statuses.status_kepegawaian
            and own.urutan = general.urutan
            and own.dasar = general.dasar
      )

    union all

    select status_kepegawaian, urutan, dasar, hari_minimal, hari_maksimal, tingkat_hukdis, sanksi
    from sanctions
    where status_kepegawaian = '*'

),

yearly_with_status as (

    select
        yearly.*,
        coalesce(worded_statuses.status_kepegawaian, '*') as status_sanksi
    from yearly
    left join employee_history
        on yearly.nip = employee_history.nip
        and {{ berlaku_pada('employee_history', 'yearly.tanggal_terakhir') }}
    left join worded_statuses
        on employee_history.status_kepegawaian = worded_statuses.status_kepegawaian

),

matched as (

    select
        yearly.nip,
        yearly.tahun,
        sanctions.urutan,
        sanctions.dasar,
        sanctions.tingkat_hukdis,
        sanctions.sanksi,
        row_number() over (
            partition by yearly.nip, yearly.tahun
            order by sanctions.urutan desc, sanctions.dasar
        ) as severity_rank
    from yearly_with_status as yearly
    inner join sanctions_per_status as sanctions
        on yearly.status_sanksi = sanctions.status_kepegawaian
        and case sanctions.dasar
            when 'KUMULATIF' then yearly.hari_kumulatif
            when 'BERTURUT' then yearly.rangkaian_terpanjang
        end between sanctions.hari_minimal and sanctions.hari_maksimal
        and (sanctions.dasar <> 'BERTURUT' or yearly.rangkaian_sebelum_tahun < sanctions.hari_minimal)

)

select
    yearly.nip,
    {{ pseudonym_key('yearly.nip') }} as pegawai_key,
    yearly.tahun,
    yearly.kode_unit,
    yearly.hari_kerja_tercakup,
    yearly.hari_tanpa_keterangan,
    yearly.menit_terlambat,
    yearly.menit_pulang_cepat,
    yearly.hari_setara_terlambat_pulang_cepat,
    yearly.hari_kumulatif,
    yearly.rangkaian_terpanjang,
    yearly.rangkaian_sebelum_tahun,
    matched.tingkat_hukdis,
    matched.sanksi,
    matched.dasar as dasar_sanksi,
    yearly.tanggal_terakhir,
    yearly._dimuat_pada
from yearly
left join matched
    on yearly.nip = matched.nip
    and yearly.tahun = matched.tahun
    and matched.severity_rank = 1
