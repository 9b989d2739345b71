-- Monthly tukin deductions (potongan tunjangan kinerja) per employee: every late arrival (TL)
-- and early leave (PSW) on a day present, rated by its minutes band, every arrival or departure
-- a single punch left unrecorded (TANPA_REKAM_MASUK / _PULANG), and every unexcused day (TK), at
-- the rates of the agency's scheme (var skema_tukin; seed potongan_tukin: the rates are
-- data, the default is Kemenag). The month's total is capped at 100 %.

{{ config(materialized='incremental', unique_key=['tahun', 'bulan']) }}
-- Incremental by month: a run rebuilds, whole, every month from the one holding the first day
-- whose attendance changed since the previous run (macro hari_pertama_dibangun_ulang).

with daily_attendance as (

    select * from {{ ref('fct_presensi_harian') }}
    {% if is_incremental() %}
    where tanggal >= {{ awal_periode_dibangun_ulang('month') }}
    {% endif %}

),

status_groups as (

    select * from {{ ref('status_presensi') }}

),

rates as (

    select * from {{ ref('potongan_tukin') }}
    where skema = '{{ var("skema_tukin") }}'

),

days as (

    select
        daily_attendance.nip,
        daily_attendance.kode_unit,
        daily_attendance.tanggal,
        {{ dbt.date_trunc('month', 'daily_attendance.tanggal') }} as bulan_awal,
        status_groups.kelompok,
        daily_attendance.menit_terlambat,
        daily_attendance.menit_pulang_cepat,
        daily_attendance.tanpa_rekam,
        daily_attendance._dimuat_pada
    from daily_attendance
    inner join status_groups
        on daily_attendance.status = status_groups.status_presensi

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

)

select
    per_month_days.nip,
    {{ pseudonym_key('per_month_days.nip') }} as pegawai_key,
    cast(extract(year from per_month_days.bulan_awal) as integer) as tahun,
    cast(extract(month from per_month_days.bulan_awal) as integer) as bulan,
    per_month_days.kode_unit,
    '{{ var("skema_tukin") }}' as skema_tukin,
    per_month_days.hari_kerja_tercakup,
    coalesce(per_month_violations.jumlah_tl, 0) as jumlah_tl,
    coalesce(per_month_violations.jumlah_psw, 0) as jumlah_psw,
    coalesce(per_month_violations.jumlah_tanpa_rekam_masuk, 0) as jumlah_tanpa_rekam_masuk,
    coalesce(per_month_violations.jumlah_tanpa_rekam_pulang, 0) as jumlah_tanpa_rekam_pulang,
    coalesce(per_month_violations.hari_tk, 0) as hari_tk,
    {{ round_double('coalesce(per_month_violations.persen_tl, 0)', 2) }} as persen_potongan_tl,
    {{ round_double('coalesce(per_month_violations.persen_psw, 0)', 2) }} as persen_potongan_psw,
    {{ round_double('coalesce(per_month_violations.persen_tanpa_rekam, 0)', 2) }} as persen_potongan_tanpa_rekam,
    {{ round_double('coalesce(per_month_violations.persen_tk, 0)', 2) }} as persen_potongan_tk,
    {{ round_double('least(100, coalesce(per_month_violations.persen_tl, 0)'
                    ' + coalesce(per_month_violations.persen_psw, 0)'
                    ' + coalesce(per_month_violations.persen_tanpa_rekam, 0)'
                    ' + coalesce(per_month_violations.persen_tk, 0))', 2) }} as persen_potongan_total,
    per_month_days._dimuat_pada
from per_month_days
left join per_month_violations
    on per_month_days.nip = per_month_violations.nip
    and per_month_days.bulan_awal = per_month_violations.bulan_awal
