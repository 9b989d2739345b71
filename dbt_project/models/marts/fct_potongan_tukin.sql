-- Monthly tukin deductions (potongan tunjangan kinerja) per employee: every late arrival (TL)
-- and early leave (PSW) on a day present, rated by its minutes band, every arrival or departure
-- a single punch left unrecorded (TANPA_REKAM_MASUK / _PULANG), and every unexcused day (TK), at
-- the rates of the agency's scheme (var skema_tukin; seed potongan_tukin: the rates are
-- data, the default is Kemenag). Two cuts close the month, from rows of scheme '*' (every
-- scheme) unless the agency's scheme has its own: a month absent without notice on every
-- working day of the employee's calendar (TK_SEBULAN, no tukin; a six-day unit's month has its
-- Saturdays, a SHIFT unit's employee's month the days of their roster; with two calendars in a
-- month, a move, the one with more working days), and a running disciplinary sanction, at the
-- rate of its level (HUKDIS_<tingkat>; every scheme rates HUKDIS_SEDANG, PP 94/2021 art.
-- 8(3): 25 %; the regional TPP_DAERAH rates RINGAN and BERAT too), for the sanction's masa_bulan
-- months from the first month that starts on or after its TMT. Approved leave cuts where the scheme
-- says so (seed potongan_tukin_izin: by kind and the working day of the leave, e.g. sick leave
-- from its 4th day). A scheme may cap the attendance cuts (TL, PSW, missing records, unexcused
-- days) of a month (BATAS_DISIPLIN: the regional TPP's discipline share, Kepmendagri
-- 900-4700/2020), except in a month absent in full. The month's total is capped at 100 %. The
-- scheme's family (TUKIN of a ministry, TPP of a regional government) is seed skema_tunjangan's.

{{ config(materialized='incremental', unique_key=['tahun', 'bulan']) }}
-- Incremental by month: a run rebuilds, whole, every month from the one holding the first day
-- whose attendance changed since the previous run (macro hari_pertama_dibangun_ulang).

with daily_attendance as (

    select * from {{ ref('fct_presensi_harian') }}
    {% if is_incremental() %}
    where tanggal >= {{ awal_periode_dibangun_ulang('month', ['presensi', 'pegawai', 'izin', 'hukdis', 'jadwal']) }}
    {% endif %}

),

status_groups as (

    select * from {{ ref('status_presensi') }}

),

rates as (

    {{ tarif_skema_tukin('potongan_tukin', 'pelanggaran') }}

),

month_rates as (

    select
        max(case when pelanggaran = 'TK_SEBULAN' then persen_potongan end) as persen_tk_sebulan,
        max(case when pelanggaran = 'BATAS_DISIPLIN' then persen_potongan end) as batas_disiplin
    from rates

),

scheme as (

    -- one row, NULL when the var names no scheme of the seed (a data test fails on it)
    select max(jenis_tunjangan) as jenis_tunjangan
    from {{ ref('skema_tunjangan') }}
    where skema = '{{ var("skema_tukin") }}'

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}

),

rosters as (

    -- a SHIFT unit's employee works the days of their roster, not of the unit's calendar
    select * from {{ ref('int_kalender__jadwal_shift') }}

),

sanction_rates as (

    -- the monthly cut of a running sanction, per level (pelanggaran HUKDIS_<tingkat>): a level
    -- the scheme does not rate cuts nothing
    select
        substr(pelanggaran, length('HUKDIS_') + 1) as tingkat,
        persen_potongan
    from rates
    where substr(pelanggaran, 1, length('HUKDIS_')) = 'HUKDIS_'

),

sanctions as (

    -- a sanction without masa_bulan cannot be scheduled, so it cuts nothing (and is visible in
    -- the warnings as a delivered sanction without duration)
    select
        sanctions_delivered.nip,
        -- the first month that starts on or after the TMT: a sanction from the 15th cuts from the
        -- next month, one from the 1st from that month
        {{ add_months(month_start(add_days('sanctions_delivered.tmt_mulai', -1)), 1) }} as bulan_pertama,
        sanctions_delivered.masa_bulan,
        sanction_rates.persen_potongan
    from {{ ref('stg_simpeg__hukuman_disiplin') }} as sanctions_delivered
    inner join sanction_rates
        on sanctions_delivered.tingkat = sanction_rates.tingkat
    where sanctions_delivered.tmt_mulai is not null and sanctions_delivered.masa_bulan > 0

),

leave_rates as (

    {{ tarif_skema_tukin('potongan_tukin_izin', 'jenis_izin') }}

),

leave_records as (

    select * from {{ ref('stg_simpeg__izin') }}

),

working_days_through as (

    -- working days up to and including each day, so that the n-th working day of a leave is
    -- known without reading the leave's earlier months (a rebuild starts mid-leave)
    select
        kalender,
        tanggal,
        sum(case when hari_kerja then 1 else 0 end) over (partition by kalender order by tanggal) as hari_kerja_sampai
    from calendar

),

days as (

    select
        daily_attendance.nip,
        daily_attendance.kode_unit,
        daily_attendance.tanggal,
        -- rows built before calendars had a key were judged on the default calendar
        coalesce(daily_attendance.kalender, {{ kalender_bawaan() }}) as kalender,
        {{ dbt.date_trunc('month', 'daily_attendance.tanggal') }} as bulan_awal,
        status_groups.kelompok,
        daily_attendance.menit_terlambat,
        daily_attendance.menit_pulang_cepat,
        daily_attendance.tanpa_rekam,
        daily_attendance.id_izin,
        daily_attendance._dimuat_pada
    from daily_attendance
    inner join status_groups
        on daily_attendance.status = status_groups.status_presensi

),

rostered_before_leave as (

    -- a SHIFT employee's rostered days before a leave starts
    select
        leave_records.id_izin,
        rosters.kalender,
        max(rosters.urutan_hari_kerja) as urutan_sebelum
    from leave_records
    inner join rosters
        on leave_records.nip = rosters.nip
        and rosters.tanggal < leave_records.tanggal_mulai
    group by leave_records.id_izin, rosters.kalender

),

leave_days as (

    -- a day on approved leave, as the n-th working day of its leave record: of the calendar, or
    -- of the roster for a SHIFT unit's employee (a rostered day on leave)
    select
        days.nip,
        days.bulan_awal,
        leave_records.jenis as jenis_izin,
        coalesce(
            roster_on_the_day.urutan_hari_kerja - coalesce(rostered_before_leave.urutan_sebelum, 0),
            on_the_day.hari_kerja_sampai - coalesce(before_the_leave.hari_kerja_sampai, 0)
        ) as hari_ke
    from days
    inner join leave_records
        on days.id_izin = leave_records.id_izin
    left join working_days_through as on_the_day
        on days.kalender = on_the_day.kalender
        and days.tanggal = on_the_day.tanggal
    left join working_days_through as before_the_leave
        on before_the_leave.kalender = days.kalender
        and before_the_leave.tanggal = {{ add_days('leave_records.tanggal_mulai', -1) }}
    left join rosters as roster_on_the_day
        on days.nip = roster_on_the_day.nip
        and days.tanggal = roster_on_the_day.tanggal
        and days.kalender = roster_on_the_day.kalender
    left join rostered_before_leave
        on days.id_izin = rostered_before_leave.id_izin
        and days.kalender = rostered_before_leave.kalender
    where days.kelompok = 'ABSEN_SAH'

),

rated_leave as (

    select
        leave_days.nip,
        leave_days.bulan_awal,
        leave_rates.persen_potongan
    from leave_days
    inner join leave_rates
        on leave_days.jenis_izin = leave_rates.jenis_izin
        and leave_days.hari_ke between leave_rates.hari_dari and leave_rates.hari_sampai

),

violations as (

    select nip, bulan_awal, 'TL' as pelanggaran, menit_terlambat as menit
    from days
    where kelompok = 'HADIR' and menit_terlambat > 0

    union all

    select nip, bulan_awal, 'PSW' as pelanggaran, menit_pulang_cepat as menit
    from days
    where kelompok = 'HADIR' and menit_pulang_cepat > 0

    union all

    select nip, bulan_awal, 'TANPA_REKAM_' || tanpa_rekam as pelanggaran, cast(null as integer) as menit
    from days
    where kelompok = 'HADIR' and tanpa_rekam is not null

    union all

    select nip, bulan_awal, 'TK' as pelanggaran, cast(null as integer) as menit
    from days
    where kelompok = 'TANPA_KETERANGAN'

),

rated as (

    select
        violations.nip,
        violations.bulan_awal,
        violations.pelanggaran,
        coalesce(rates.persen_potongan, 0) as persen_potongan
    from violations
    left join rates
        on violations.pelanggaran = rates.pelanggaran
        -- TK and TANPA_REKAM are rated per day (no minutes); TL and PSW by their minutes' band
        and (violations.menit is null or violations.menit between rates.menit_dari and rates.menit_sampai)

),

per_month_leave as (

    select
        nip,
        bulan_awal,
        cast(count(*) as integer) as hari_izin_dipotong,
        sum(persen_potongan) as persen_izin
    from rated_leave
    group by nip, bulan_awal

),

per_month_violations as (

    select
        nip,
        bulan_awal,
        cast(sum(case when pelanggaran = 'TL' then 1 else 0 end) as integer) as jumlah_tl,
        cast(sum(case when pelanggaran = 'PSW' then 1 else 0 end) as integer) as jumlah_psw,
        cast(sum(case when pelanggaran = 'TANPA_REKAM_MASUK' then 1 else 0 end) as integer) as jumlah_tanpa_rekam_masuk,
        cast(sum(case when pelanggaran = 'TANPA_REKAM_PULANG' then 1 else 0 end) as integer) as jumlah_tanpa_rekam_pulang,
        cast(sum(case when pelanggaran = 'TK' then 1 else 0 end) as integer) as hari_tk,
        sum(case when pelanggaran = 'TL' then persen_potongan else 0 end) as persen_tl,
        sum(case when pelanggaran = 'PSW' then persen_potongan else 0 end) as persen_psw,
        sum(case when pelanggaran in ('TANPA_REKAM_MASUK', 'TANPA_REKAM_PULANG') then persen_potongan else 0 end) as persen_tanpa_rekam,
        sum(case when pelanggaran = 'TK' then persen_potongan else 0 end) as persen_tk
    from rated
    group by nip, bulan_awal

),

per_month_days as (

    select
        nip,
        bulan_awal,
        max(kode_unit) as kode_unit,
        cast(count(*) as integer) as hari_kerja_tercakup,
        max(_dimuat_pada) as _dimuat_pada
    from days
    group by nip, bulan_awal

),

working_days_per_month as (

    select
        kalender,
        {{ dbt.date_trunc('month', 'tanggal') }} as bulan_awal,
        count(*) as hari_kerja_bulan
    from calendar
    where hari_kerja
    group by kalender, {{ dbt.date_trunc('month', 'tanggal') }}

),

employee_working_days_per_month as (

    -- the month's working days in the employee's calendar; a month under two calendars (a move
    -- to a unit of another pattern or region) takes the larger, so that a month is never taken
    -- as absent in full on fewer days than one of its calendars has
    -- (a SHIFT unit's employee: the days of their roster in the month)
    select
        nip,
        bulan_awal,
        max(hari_kerja_bulan) as hari_kerja_bulan
    from (
        select
            employee_calendars.nip,
            employee_calendars.bulan_awal,
            working_days_per_month.hari_kerja_bulan
        from (select distinct nip, bulan_awal, kalender from days) as employee_calendars
        inner join working_days_per_month
            on employee_calendars.kalender = working_days_per_month.kalender
            and employee_calendars.bulan_awal = working_days_per_month.bulan_awal

        union all

        select
            nip,
            {{ dbt.date_trunc('month', 'tanggal') }} as bulan_awal,
            count(*) as hari_kerja_bulan
        from rosters
        group by nip, {{ dbt.date_trunc('month', 'tanggal') }}
    ) as month_working_days
    group by nip, bulan_awal

),

sanctioned_months as (

    -- two sanctions running in one month: the larger cut (they are not added)
    select
        per_month_days.nip,
        per_month_days.bulan_awal,
        max(sanctions.persen_potongan) as persen_hukdis
    from per_month_days
    inner join sanctions
        on per_month_days.nip = sanctions.nip
        and per_month_days.bulan_awal >= sanctions.bulan_pertama
        and per_month_days.bulan_awal < {{ add_months('sanctions.bulan_pertama', 'sanctions.masa_bulan') }}
    group by per_month_days.nip, per_month_days.bulan_awal

),

judged_months as (

    select
        per_month_days.*,
        coalesce(per_month_violations.jumlah_tl, 0) as jumlah_tl,
        coalesce(per_month_violations.jumlah_psw, 0) as jumlah_psw,
        coalesce(per_month_violations.jumlah_tanpa_rekam_masuk, 0) as jumlah_tanpa_rekam_masuk,
        coalesce(per_month_violations.jumlah_tanpa_rekam_pulang, 0) as jumlah_tanpa_rekam_pulang,
        coalesce(per_month_violations.hari_tk, 0) as hari_tk,
        coalesce(per_month_violations.persen_tl, 0) as persen_tl,
        coalesce(per_month_violations.persen_psw, 0) as persen_psw,
        coalesce(per_month_violations.persen_tanpa_rekam, 0) as persen_tanpa_rekam,
        coalesce(per_month_leave.hari_izin_dipotong, 0) as hari_izin_dipotong,
        coalesce(per_month_leave.persen_izin, 0) as persen_izin,
        -- absent without notice on every working day of the month: the month's cut, if larger
        coalesce(per_month_violations.hari_tk, 0) >= working_days_per_month.hari_kerja_bulan
            as tidak_hadir_sebulan,
        case
            when coalesce(per_month_violations.hari_tk, 0) >= working_days_per_month.hari_kerja_bulan
                then greatest(coalesce(per_month_violations.persen_tk, 0), coalesce(month_rates.persen_tk_sebulan, 0))
            else coalesce(per_month_violations.persen_tk, 0)
        end as persen_tk,
        coalesce(sanctioned_months.persen_hukdis, 0) as persen_hukdis,
        month_rates.batas_disiplin
    from per_month_days
    cross join month_rates
    left join per_month_violations
        on per_month_days.nip = per_month_violations.nip
        and per_month_days.bulan_awal = per_month_violations.bulan_awal
    left join per_month_leave
        on per_month_days.nip = per_month_leave.nip
        and per_month_days.bulan_awal = per_month_leave.bulan_awal
    left join employee_working_days_per_month as working_days_per_month
        on per_month_days.nip = working_days_per_month.nip
        and per_month_days.bulan_awal = working_days_per_month.bulan_awal
    left join sanctioned_months
        on per_month_days.nip = sanctioned_months.nip
        and per_month_days.bulan_awal = sanctioned_months.bulan_awal

),

capped_months as (

    -- the attendance cuts together, under the scheme's cap where it has one; a month absent in
    -- full keeps its whole-month cut
    select
        judged_months.*,
        case
            when batas_disiplin is not null and not coalesce(tidak_hadir_sebulan, false)
                then least(batas_disiplin, persen_tl + persen_psw + persen_tanpa_rekam + persen_tk)
            else persen_tl + persen_psw + persen_tanpa_rekam + persen_tk
        end as persen_disiplin
    from judged_months

)

select
    nip,
    {{ pseudonym_key('nip') }} as pegawai_key,
    cast(extract(year from bulan_awal) as integer) as tahun,
    cast(extract(month from bulan_awal) as integer) as bulan,
    kode_unit,
    '{{ var("skema_tukin") }}' as skema_tukin,
    scheme.jenis_tunjangan,
    hari_kerja_tercakup,
    jumlah_tl,
    jumlah_psw,
    jumlah_tanpa_rekam_masuk,
    jumlah_tanpa_rekam_pulang,
    hari_tk,
    hari_izin_dipotong,
    coalesce(tidak_hadir_sebulan, false) as tidak_hadir_sebulan,
    persen_hukdis > 0 as hukdis_berjalan,
    {{ round_double('persen_tl', 2) }} as persen_potongan_tl,
    {{ round_double('persen_psw', 2) }} as persen_potongan_psw,
    {{ round_double('persen_tanpa_rekam', 2) }} as persen_potongan_tanpa_rekam,
    {{ round_double('persen_tk', 2) }} as persen_potongan_tk,
    {{ round_double('persen_izin', 2) }} as persen_potongan_izin,
    {{ round_double('persen_hukdis', 2) }} as persen_potongan_hukdis,
    {{ round_double('persen_disiplin', 2) }} as persen_potongan_disiplin,
    {{ round_double('least(100, persen_disiplin + persen_izin + persen_hukdis)', 2) }}
        as persen_potongan_total,
    _dimuat_pada
from capped_months
cross join scheme
