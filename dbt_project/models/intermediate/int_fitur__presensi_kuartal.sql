-- Attendance and leave-pattern features per employee and quarter, from the quarter's days as
-- they were known at its end (int_fitur__presensi_harian: only days of the quarter, leave
-- decisions known by its end). `tanggal_presensi_terakhir` lets a test prove no later day leaks.
-- The PP 94/2021 year-to-date count adds up the quarters of the year so far, each as known at
-- its own end: still nothing from after this quarter's end.

{{ config(materialized='incremental', unique_key='periode_id') }}
-- Incremental by quarter, like its input int_fitur__presensi_harian: a run builds the quarters
-- not built yet and rebuilds, whole, every quarter ending on or after the first day whose
-- inputs changed since the previous run (macro kuartal_dibangun_ulang); the quarter before
-- each of them is read too, for delta_rasio_terlambat. Every other quarter is left as it is.

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

{% if is_incremental() %}
rebuilt_quarters as (

    select periode_id, tanggal_mulai_periode
    from quarters
    where {{ kuartal_dibangun_ulang() }}

),

read_quarters as (

    select periode_id from rebuilt_quarters
    union
    select previous_quarter.periode_id
    from rebuilt_quarters
    inner join quarters as previous_quarter
        on previous_quarter.tanggal_akhir_periode = {{ add_days('rebuilt_quarters.tanggal_mulai_periode', -1) }}

),
{% endif %}

days as (

    select * from {{ ref('int_fitur__presensi_harian') }}
    {% if is_incremental() %}
    where periode_id in (select periode_id from read_quarters)
    {% endif %}

),

status_groups as (

    select * from {{ ref('status_presensi') }}

),

per_quarter as (

    select
        days.periode_id,
        days.nip,
        count(*) as hari_kerja_tercakup,
        sum(case when status_groups.kelompok = 'HADIR' then 1 else 0 end) as hari_hadir,
        sum(case when days.status = 'TERLAMBAT' then 1 else 0 end) as hari_terlambat,
        avg(case when status_groups.kelompok = 'HADIR' then cast(days.menit_terlambat as {{ type_double() }}) end)
            as rata_menit_terlambat,
        avg(case when status_groups.kelompok = 'HADIR' then cast(days.menit_pulang_cepat as {{ type_double() }}) end)
            as rata_menit_pulang_cepat,
        sum(case when status_groups.kelompok = 'TANPA_KETERANGAN' then 1 else 0 end) as hari_tanpa_keterangan,
        sum(case when status_groups.kelompok = 'ABSEN_SAH' then 1 else 0 end) as hari_izin_sah,
        sum(case when days.jenis_izin = 'CUTI_SAKIT' then 1 else 0 end) as hari_cuti_sakit,
        -- short absences: unexcused days and leave taken at the employee's own initiative
        sum(case when status_groups.kelompok = 'TANPA_KETERANGAN' or days.absen_pendek then 1 else 0 end)
            as hari_absen_pendek,
        sum(
            case
                when (status_groups.kelompok = 'TANPA_KETERANGAN' or days.absen_pendek) and days.menempel_libur
                    then 1 else 0
            end
        ) as hari_absen_pendek_menempel_libur,
        max(days.tanggal) as tanggal_presensi_terakhir,
        max(days._dimuat_pada) as _dimuat_pada
    from days
    inner join status_groups
        on days.status = status_groups.status_presensi
    group by days.periode_id, days.nip

),

ratios as (

    select
        per_quarter.*,
        quarters.tahun,
        quarters.tanggal_mulai_periode,
        quarters.tanggal_akhir_periode,
        -- present days over the days the employee was expected at work
        cast(hari_hadir as {{ type_double() }})
            / nullif(hari_kerja_tercakup - hari_izin_sah, 0) as rasio_hadir,
        cast(hari_terlambat as {{ type_double() }}) / nullif(hari_hadir, 0) as rasio_terlambat,
        cast(hari_absen_pendek_menempel_libur as {{ type_double() }})
            / nullif(hari_absen_pendek, 0) as rasio_izin_menempel_libur
    from per_quarter
    inner join quarters
        on per_quarter.periode_id = quarters.periode_id

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
    this_quarter.hari_izin_sah,
    this_quarter.hari_cuti_sakit,
    this_quarter.rasio_izin_menempel_libur,
    this_quarter.rasio_terlambat - previous_quarter.rasio_terlambat as delta_rasio_terlambat,
    this_quarter.tanggal_presensi_terakhir,
    this_quarter._dimuat_pada
from ratios as this_quarter
left join ratios as previous_quarter
    on this_quarter.nip = previous_quarter.nip
    and previous_quarter.tanggal_akhir_periode = {{ add_days('this_quarter.tanggal_mulai_periode', -1) }}
{% if is_incremental() %}
where this_quarter.periode_id in (select periode_id from rebuilt_quarters)
{% endif %}
