-- Attendance features per employee and quarter, from the daily attendance of the quarter
-- (and of the year so far, for the PP 94/2021 cumulative count). Point in time by construction:
-- only days up to the quarter's end; `tanggal_presensi_terakhir` lets a test prove it.

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

daily_attendance as (

    select * from {{ ref('fct_presensi_harian') }}

),

status_groups as (

    select * from {{ ref('status_presensi') }}

),

days_in_year_to_quarter_end as (

    select
        quarters.periode_id,
        quarters.tanggal_mulai_periode,
        quarters.tanggal_akhir_periode,
        daily_attendance.nip,
        daily_attendance.tanggal,
        daily_attendance.tanggal >= quarters.tanggal_mulai_periode as in_quarter,
        daily_attendance.status,
        status_groups.kelompok,
        daily_attendance.menit_terlambat,
        daily_attendance.menit_pulang_cepat
    from quarters
    inner join daily_attendance
        on daily_attendance.tanggal >= make_date(quarters.tahun, 1, 1)
        and daily_attendance.tanggal <= quarters.tanggal_akhir_periode
    inner join status_groups
        on daily_attendance.status = status_groups.status_presensi

),

per_quarter as (

    select
        periode_id,
        nip,
        min(tanggal_mulai_periode) as tanggal_mulai_periode,
        min(tanggal_akhir_periode) as tanggal_akhir_periode,
        sum(case when in_quarter then 1 else 0 end) as hari_kerja_tercakup,
        sum(case when in_quarter and kelompok = 'HADIR' then 1 else 0 end) as hari_hadir,
        sum(case when in_quarter and status = 'TERLAMBAT' then 1 else 0 end) as hari_terlambat,
        avg(case when in_quarter and kelompok = 'HADIR' then cast(menit_terlambat as {{ type_double() }}) end)
            as rata_menit_terlambat,
        avg(case when in_quarter and kelompok = 'HADIR' then cast(menit_pulang_cepat as {{ type_double() }}) end)
            as rata_menit_pulang_cepat,
        sum(case when in_quarter and kelompok = 'TANPA_KETERANGAN' then 1 else 0 end) as hari_tanpa_keterangan,
        sum(case when kelompok = 'TANPA_KETERANGAN' then 1 else 0 end) as hari_tanpa_keterangan_ytd,
        sum(case when in_quarter and kelompok = 'ABSEN_SAH' then 1 else 0 end) as hari_izin_sah,
        max(tanggal) as tanggal_presensi_terakhir
    from days_in_year_to_quarter_end
    group by periode_id, nip

),

ratios as (

    select
        *,
        -- present days over the days the employee was expected at work
        cast(hari_hadir as {{ type_double() }})
            / nullif(hari_kerja_tercakup - hari_izin_sah, 0) as rasio_hadir,
        cast(hari_terlambat as {{ type_double() }}) / nullif(hari_hadir, 0) as rasio_terlambat
    from per_quarter

)

select
    this_quarter.periode_id,
    this_quarter.nip,
    this_quarter.tanggal_akhir_periode,
    this_quarter.hari_kerja_tercakup,
    this_quarter.hari_hadir,
    this_quarter.rasio_hadir,
    this_quarter.rasio_terlambat,
    this_quarter.rata_menit_terlambat,
    this_quarter.rata_menit_pulang_cepat,
    this_quarter.hari_tanpa_keterangan,
    this_quarter.hari_tanpa_keterangan_ytd,
    this_quarter.hari_izin_sah,
    this_quarter.rasio_terlambat - previous_quarter.rasio_terlambat as delta_rasio_terlambat,
    this_quarter.tanggal_presensi_terakhir
from ratios as this_quarter
left join ratios as previous_quarter
    on this_quarter.nip = previous_quarter.nip
    and previous_quarter.tanggal_akhir_periode = {{ add_days('this_quarter.tanggal_mulai_periode', -1) }}
