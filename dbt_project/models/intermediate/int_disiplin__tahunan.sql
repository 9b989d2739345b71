-- Absence without valid reason (tanpa keterangan) per employee and calendar year: the days
-- counted (PP 94/2021 counts cumulatively within a year) and the longest run of consecutive
-- unexcused working days. A run is counted on the working-day sequence of the calendar, so a
-- weekend or holiday between two unexcused days does not break it; any other working day
-- breaks it - a day present or excused, and an uncovered day (unknown: a sanction cannot rest
-- on it). Runs are cut at the year end like the cumulative count. Read from the judged
-- employee-days (int_presensi__pegawai_hari), the same rows as fct_presensi_harian.

{{ config(materialized='incremental', unique_key='tahun') }}
-- Incremental by year: a run rebuilds, whole, every year from the one holding the first day whose
-- attendance changed since the previous run (macro hari_pertama_dibangun_ulang: late punches,
-- snapshots and leave decisions loaded since, the lookback window). Both the count and the runs
-- are per year, so the other years cannot change.

with employee_days as (

    select * from {{ ref('int_presensi__pegawai_hari') }}
    where dinilai
    {% if is_incremental() %}
      and tanggal >= {{ awal_periode_dibangun_ulang('year') }}
    {% endif %}

),

status_groups as (

    select * from {{ ref('status_presensi') }}

),

judged_days as (

    select
        employee_days.nip,
        employee_days.tanggal,
        cast(extract(year from employee_days.tanggal) as integer) as tahun,
        employee_days.kode_unit,
        employee_days._dimuat_pada,
        status_groups.kelompok = 'TANPA_KETERANGAN' as tanpa_keterangan,
        employee_days.urutan_hari_kerja
    from employee_days
    inner join status_groups
        on employee_days.status = status_groups.status_presensi

),

unexcused_runs as (

    -- gaps and islands: within one run, working-day position minus rank is constant
    select
        nip,
        tahun,
        urutan_hari_kerja - row_number() over (
            partition by nip, tahun order by urutan_hari_kerja
        ) as rangkaian
    from judged_days
    where tanpa_keterangan

),

longest_run as (

    select nip, tahun, max(panjang) as rangkaian_terpanjang
    from (
        select nip, tahun, rangkaian, count(*) as panjang
        from unexcused_runs
        group by nip, tahun, rangkaian
    ) as runs
    group by nip, tahun

),

last_unit as (

    select
        nip,
        tahun,
        kode_unit,
        row_number() over (partition by nip, tahun order by tanggal desc) as recency
    from judged_days

),

per_year as (

    select
        nip,
        tahun,
        cast(count(*) as integer) as hari_kerja_tercakup,
        cast(sum(case when tanpa_keterangan then 1 else 0 end) as integer) as hari_tanpa_keterangan,
        max(tanggal) as tanggal_terakhir,
        max(_dimuat_pada) as _dimuat_pada
    from judged_days
    group by nip, tahun

)

select
    per_year.nip,
    per_year.tahun,
    last_unit.kode_unit,
    per_year.hari_kerja_tercakup,
    per_year.hari_tanpa_keterangan,
    cast(coalesce(longest_run.rangkaian_terpanjang, 0) as integer) as rangkaian_terpanjang,
    per_year.tanggal_terakhir,
    per_year._dimuat_pada
from per_year
inner join last_unit
    on per_year.nip = last_unit.nip
    and per_year.tahun = last_unit.tahun
    and last_unit.recency = 1
left join longest_run
    on per_year.nip = longest_run.nip
    and per_year.tahun = longest_run.tahun
