-- Absence without valid reason (tanpa keterangan) per employee and calendar year: the days
-- counted (PP 94/2021 counts cumulatively within a year) and the longest run of consecutive
-- unexcused working days. A run is counted on the working-day sequence of the employee's
-- calendar (int_kalender__hari: the unit's pattern and region), so a weekend or holiday between
-- two unexcused days does not break it (a six-day unit's Saturday is a working day, so only
-- its Sunday is skipped); any other working day breaks it - a day present or excused, and an
-- uncovered day (unknown: a sanction cannot rest on it). A move to a unit of another pattern or
-- region does not break it either: on one calendar, two unexcused days are consecutive when
-- their working-day positions are; across a change of calendar, when no employee-day of the
-- employee lies between them (each calendar numbers its own days, so positions cannot be
-- compared there) and no uncovered working day could be theirs: a working day of either
-- calendar, or a day of their roster, between the two on which no attendance was delivered
-- breaks the run (the move's date is not known to the day, and a sanction cannot rest on a day
-- whose attendance is unknown).
-- The count is per calendar year; a run is not: 9 days in December and 3 in January are
-- one run that reaches 10 in January, so January's year shows 12 and says that 9 of them came
-- before it (rangkaian_sebelum_tahun), which tells the sanction in which year the run crossed a
-- threshold. Minutes late and minutes leaving early are summed per year beside them, with the
-- whole days they make at `menit_per_hari_akumulasi` (var; whether those days count towards a
-- sanction is fct_disiplin_presensi's switch). Read from the judged employee-days (int_presensi__pegawai_hari), the same rows as
-- fct_presensi_harian.

{{ config(materialized='incremental', unique_key='tahun') }}
-- Incremental by year: a run rebuilds, whole, every year from the one holding the first day whose
-- attendance changed since the previous run (macro hari_pertama_dibangun_ulang: late punches,
-- snapshots and leave decisions loaded since, the lookback window). The counts are per year, so
-- other years cannot change; a run carried into a rebuilt year is read from the unexcused days of
-- the year before it (a run longer than a year is counted from that year's start). Calendars,
-- rosters and covered days are read in the same window: a gap is only looked for between two
-- employee-days.
{% set within_window %}
    {%- if is_incremental() -%}
    where tanggal >= {{ add_months(awal_periode_dibangun_ulang('year'), -12) }}
    {%- endif -%}
{% endset %}

with employee_days as (

    -- judged or not: a day that may not be judged still breaks a run
    select * from {{ ref('int_presensi__pegawai_hari') }}
    {{ within_window }}

),

status_groups as (

    select * from {{ ref('status_presensi') }}

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}
    {{ within_window }}

),

rosters as (

    select * from {{ ref('int_kalender__jadwal_shift') }}
    {{ within_window }}

),

covered_days as (

    select * from {{ ref('int_presensi__hari_tercakup') }}
    {{ within_window }}

),

employee_day_sequence as (

    select
        employee_days.nip,
        employee_days.tanggal,
        cast(extract(year from employee_days.tanggal) as integer) as tahun,
        employee_days.kode_unit,
        employee_days._dimuat_pada,
        -- a day judged on a status of the seed (its data tests keep every status there)
        employee_days.dinilai and status_groups.kelompok is not null as dinilai,
        employee_days.dinilai and status_groups.kelompok = 'TANPA_KETERANGAN' as tanpa_keterangan,
        employee_days.menit_terlambat,
        employee_days.menit_pulang_cepat,
        -- rows built before calendars had a key were judged on the default calendar
        coalesce(employee_days.kalender, {{ kalender_bawaan() }}) as kalender,
        employee_days.urutan_hari_kerja,
        row_number() over (partition by employee_days.nip order by employee_days.tanggal) as urutan_hari_pegawai
    from employee_days
    left join status_groups
        on employee_days.status = status_groups.status_presensi

),

judged_days as (

    select * from employee_day_sequence
    where dinilai

),

unexcused_days as (

    select
        nip,
        tanggal,
        tahun,
        kalender,
        urutan_hari_kerja,
        urutan_hari_pegawai,
        lag(tanggal) over (partition by nip order by tanggal) as tanggal_sebelumnya,
        lag(kalender) over (partition by nip order by tanggal) as kalender_sebelumnya,
        lag(urutan_hari_kerja) over (partition by nip order by tanggal) as urutan_hari_kerja_sebelumnya,
        lag(urutan_hari_pegawai) over (partition by nip order by tanggal) as urutan_hari_pegawai_sebelumnya
    from employee_day_sequence
    where tanpa_keterangan

),

uncovered_working_days as (

    -- working days of a calendar on which no attendance was delivered
    select calendar.kalender, calendar.tanggal
    from calendar
    left join covered_days
        on calendar.tanggal = covered_days.tanggal
    where calendar.hari_kerja
        and covered_days.tanggal is null

),

calendar_changes as (

    select * from unexcused_days
    where kalender <> kalender_sebelumnya

),

calendar_change_gaps as (

    -- an uncovered day between two unexcused days across a calendar change that may have been
    -- one of the employee's working days: of the calendar left or the one joined, or rostered
    select calendar_changes.nip, calendar_changes.tanggal
    from calendar_changes
    inner join uncovered_working_days
        on uncovered_working_days.kalender in (calendar_changes.kalender_sebelumnya, calendar_changes.kalender)
        and uncovered_working_days.tanggal > calendar_changes.tanggal_sebelumnya
        and uncovered_working_days.tanggal < calendar_changes.tanggal

    union

    select calendar_changes.nip, calendar_changes.tanggal
    from calendar_changes
    inner join rosters
        on calendar_changes.nip = rosters.nip
        and rosters.tanggal > calendar_changes.tanggal_sebelumnya
        and rosters.tanggal < calendar_changes.tanggal
    left join covered_days
        on rosters.tanggal = covered_days.tanggal
    where covered_days.tanggal is null

),

run_starts as (

    -- a day continues the run of the unexcused day before it when nothing of the employee lies
    -- between them and no working day does either: on one calendar by position, across a change
    -- of calendar no uncovered day that could have been theirs
    select
        unexcused_days.nip,
        unexcused_days.tanggal,
        unexcused_days.tahun,
        case
            when unexcused_days.urutan_hari_pegawai_sebelumnya = unexcused_days.urutan_hari_pegawai - 1
                and (
                    (
                        unexcused_days.kalender_sebelumnya = unexcused_days.kalender
                        and unexcused_days.urutan_hari_kerja_sebelumnya = unexcused_days.urutan_hari_kerja - 1
                    )
                    or (
                        unexcused_days.kalender_sebelumnya <> unexcused_days.kalender
                        and calendar_change_gaps.nip is null
                    )
                )
                then 0
            else 1
        end as awal_rangkaian
    from unexcused_days
    left join calendar_change_gaps
        on unexcused_days.nip = calendar_change_gaps.nip
        and unexcused_days.tanggal = calendar_change_gaps.tanggal

),

runs as (

    select
        nip,
        tanggal,
        tahun,
        sum(awal_rangkaian) over (
            partition by nip order by tanggal rows between unbounded preceding and current row
        ) as rangkaian
    from run_starts

),

run_days as (

    select
        nip,
        tahun,
        rangkaian,
        row_number() over (partition by nip, rangkaian order by tanggal) as hari_ke
    from runs

),

runs_per_year as (

    -- a run's part in one year: how long it had been before the year, how long it is at its
    -- last day in the year
    select
        nip,
        tahun,
        rangkaian,
        min(hari_ke) - 1 as hari_sebelum_tahun,
        max(hari_ke) as panjang
    from run_days
    group by nip, tahun, rangkaian

),

longest_run as (

    -- only the run carried in from the year before has days before the year
    select
        nip,
        tahun,
        max(panjang) as rangkaian_terpanjang,
        max(hari_sebelum_tahun) as rangkaian_sebelum_tahun
    from runs_per_year
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
        cast(coalesce(sum(menit_terlambat), 0) as integer) as menit_terlambat,
        cast(coalesce(sum(menit_pulang_cepat), 0) as integer) as menit_pulang_cepat,
        max(tanggal) as tanggal_terakhir,
        max(_dimuat_pada) as _dimuat_pada
    from judged_days
    {% if is_incremental() %}
    where tahun >= cast(extract(year from {{ awal_periode_dibangun_ulang('year') }}) as integer)
    {% endif %}
    group by nip, tahun

)

select
    per_year.nip,
    per_year.tahun,
    last_unit.kode_unit,
    per_year.hari_kerja_tercakup,
    per_year.hari_tanpa_keterangan,
    per_year.menit_terlambat,
    per_year.menit_pulang_cepat,
    cast(
        floor((per_year.menit_terlambat + per_year.menit_pulang_cepat) / {{ var('menit_per_hari_akumulasi') }})
        as integer
    ) as hari_setara_terlambat_pulang_cepat,
    cast(coalesce(longest_run.rangkaian_terpanjang, 0) as integer) as rangkaian_terpanjang,
    cast(coalesce(longest_run.rangkaian_sebelum_tahun, 0) as integer) as rangkaian_sebelum_tahun,
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
