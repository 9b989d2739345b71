-- BI mart: performance of each unit (kinerja unit) per month, rolled up the organisation tree:
-- every row counts the unit itself and all its descendants (jumlah_unit_turunan of them), so a
-- parent's jumlah_pegawai = its jumlah_pegawai_langsung + the jumlah_pegawai of its children.
-- Months are those with covered attendance days. Headcount: employees in active service on the
-- month's last day, in the unit they held then. Attendance: fct_presensi_harian's judged days
-- (grouped by seed status_presensi). Predikat: quarterly SKP whose period ends in the month.
-- JP: training finished from 1 January to the month's end against seed ketentuan_jp.
-- Contract enforced: BI tools rely on these columns and types. No personal data.

with months as (

    select distinct
        {{ month_start('tanggal') }} as bulan
    from {{ ref('int_presensi__hari_tercakup') }}

),

month_ends as (

    select
        bulan,
        {{ add_days(add_months('bulan', 1), -1) }} as akhir_bulan,
        make_date(cast(extract(year from bulan) as integer), 1, 1) as awal_tahun
    from months

),

units as (

    select kode_unit from {{ ref('stg_simpeg__unit_kerja') }}

),

hierarchy as (

    select * from {{ ref('int_unit_kerja__hierarki') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

trainings as (

    select * from {{ ref('stg_simpeg__pelatihan') }}

),

jp_rules as (

    select * from {{ ref('ketentuan_jp') }}

),

attendance as (

    select
        fct_presensi_harian.*,
        status_presensi.kelompok
    from {{ ref('fct_presensi_harian') }} as fct_presensi_harian
    inner join {{ ref('status_presensi') }} as status_presensi
        on fct_presensi_harian.status = status_presensi.status_presensi

),

assessments as (

    select * from {{ ref('int_skp__penilaian_unit') }}
    where kuartal is not null and predikat is not null

),

staff_at_month_end as (

    select
        month_ends.bulan,
        employee_history.kode_unit,
        employee_history.nip,
        jp_rules.status_kepegawaian is not null as wajib_jp,
        case jp_rules.jenis_batas
            when 'MINIMUM' then coalesce(jp_to_date.jp, 0) >= jp_rules.jp
            when 'MAKSIMUM' then coalesce(jp_to_date.jp, 0) <= jp_rules.jp
        end as patuh_jp
    from month_ends
    inner join employee_history
        on {{ berlaku_pada('employee_history', 'month_ends.akhir_bulan') }}
    left join jp_rules
        on employee_history.status_kepegawaian = jp_rules.status_kepegawaian
    left join (
        select month_ends.bulan, trainings.nip, sum(trainings.jp) as jp
        from month_ends
        inner join trainings
            on trainings.tanggal_selesai between month_ends.awal_tahun and month_ends.akhir_bulan
        group by month_ends.bulan, trainings.nip
    ) as jp_to_date
        on month_ends.bulan = jp_to_date.bulan
        and employee_history.nip = jp_to_date.nip
    where employee_history.aktif
      and (employee_history.tmt_cpns is null or employee_history.tmt_cpns <= month_ends.akhir_bulan)

),

staff_direct as (

    select
        kode_unit,
        bulan,
        count(*) as jumlah_pegawai,
        sum(case when wajib_jp then 1 else 0 end) as jumlah_pegawai_wajib_jp,
        sum(case when wajib_jp and patuh_jp then 1 else 0 end) as jumlah_patuh_jp
    from staff_at_month_end
    group by kode_unit, bulan

),

attendance_direct as (

    select
        kode_unit,
        {{ month_start('tanggal') }} as bulan,
        count(*) as hari_dinilai,
        sum(case when kelompok = 'HADIR' then 1 else 0 end) as hari_hadir,
        sum(case when status = 'TERLAMBAT' then 1 else 0 end) as hari_terlambat,
        sum(case when kelompok = 'ABSEN_SAH' then 1 else 0 end) as hari_absen_sah,
        sum(case when kelompok = 'TANPA_KETERANGAN' then 1 else 0 end) as hari_tanpa_keterangan
    from attendance
    group by kode_unit, {{ month_start('tanggal') }}

),

predikat_direct as (

    select
        kode_unit,
        {{ month_start('tanggal_akhir_periode') }} as bulan,
        {{ jumlah_per_predikat('predikat') }}
    from assessments
    group by kode_unit, {{ month_start('tanggal_akhir_periode') }}

),

direct as (

    select
        units.kode_unit,
        months.bulan,
        coalesce(staff_direct.jumlah_pegawai, 0) as jumlah_pegawai,
        coalesce(staff_direct.jumlah_pegawai_wajib_jp, 0) as jumlah_pegawai_wajib_jp,
        coalesce(staff_direct.jumlah_patuh_jp, 0) as jumlah_patuh_jp,
        coalesce(attendance_direct.hari_dinilai, 0) as hari_dinilai,
        coalesce(attendance_direct.hari_hadir, 0) as hari_hadir,
        coalesce(attendance_direct.hari_terlambat, 0) as hari_terlambat,
        coalesce(attendance_direct.hari_absen_sah, 0) as hari_absen_sah,
        coalesce(attendance_direct.hari_tanpa_keterangan, 0) as hari_tanpa_keterangan,
        coalesce(predikat_direct.jumlah_sangat_baik, 0) as jumlah_sangat_baik,
        coalesce(predikat_direct.jumlah_baik, 0) as jumlah_baik,
        coalesce(predikat_direct.jumlah_butuh_perbaikan, 0) as jumlah_butuh_perbaikan,
        coalesce(predikat_direct.jumlah_kurang, 0) as jumlah_kurang,
        coalesce(predikat_direct.jumlah_sangat_kurang, 0) as jumlah_sangat_kurang
    from units
    cross join months
    left join staff_direct
        on units.kode_unit = staff_direct.kode_unit and months.bulan = staff_direct.bulan
    left join attendance_direct
        on units.kode_unit = attendance_direct.kode_unit and months.bulan = attendance_direct.bulan
    left join predikat_direct
        on units.kode_unit = predikat_direct.kode_unit and months.bulan = predikat_direct.bulan

),

rolled_up as (

    select
        hierarchy.kode_unit_leluhur as kode_unit,
        direct.bulan,
        count(*) - 1 as jumlah_unit_turunan,
        sum(case when hierarchy.jarak = 0 then direct.jumlah_pegawai else 0 end) as jumlah_pegawai_langsung,
        sum(direct.jumlah_pegawai) as jumlah_pegawai,
        sum(direct.hari_dinilai) as hari_dinilai,
        sum(direct.hari_hadir) as hari_hadir,
        sum(direct.hari_terlambat) as hari_terlambat,
        sum(direct.hari_absen_sah) as hari_absen_sah,
        sum(direct.hari_tanpa_keterangan) as hari_tanpa_keterangan,
        sum(direct.jumlah_sangat_baik) as jumlah_sangat_baik,
        sum(direct.jumlah_baik) as jumlah_baik,
        sum(direct.jumlah_butuh_perbaikan) as jumlah_butuh_perbaikan,
        sum(direct.jumlah_kurang) as jumlah_kurang,
        sum(direct.jumlah_sangat_kurang) as jumlah_sangat_kurang,
        sum(direct.jumlah_pegawai_wajib_jp) as jumlah_pegawai_wajib_jp,
        sum(direct.jumlah_patuh_jp) as jumlah_patuh_jp
    from hierarchy
    inner join direct
        on hierarchy.kode_unit = direct.kode_unit
    group by hierarchy.kode_unit_leluhur, direct.bulan

),

levels as (

    select distinct kode_unit, tingkat from hierarchy

)

select
    cast(rolled_up.kode_unit as text) as kode_unit,
    cast(rolled_up.bulan as date) as bulan,
    cast(levels.tingkat as integer) as tingkat,
    cast(rolled_up.jumlah_unit_turunan as integer) as jumlah_unit_turunan,
    cast(rolled_up.jumlah_pegawai_langsung as integer) as jumlah_pegawai_langsung,
    cast(rolled_up.jumlah_pegawai as integer) as jumlah_pegawai,
    cast(rolled_up.hari_dinilai as integer) as hari_dinilai,
    cast(rolled_up.hari_hadir as integer) as hari_hadir,
    cast(rolled_up.hari_terlambat as integer) as hari_terlambat,
    cast(rolled_up.hari_absen_sah as integer) as hari_absen_sah,
    cast(rolled_up.hari_tanpa_keterangan as integer) as hari_tanpa_keterangan,
    cast(
        case when rolled_up.hari_dinilai - rolled_up.hari_absen_sah > 0
            then cast(rolled_up.hari_hadir as {{ type_double() }}) / (rolled_up.hari_dinilai - rolled_up.hari_absen_sah)
        end as {{ type_double() }}
    ) as rasio_hadir,
    cast(
        case when rolled_up.hari_hadir > 0
            then cast(rolled_up.hari_terlambat as {{ type_double() }}) / rolled_up.hari_hadir
        end as {{ type_double() }}
    ) as rasio_terlambat,
    cast(rolled_up.jumlah_sangat_baik as integer) as jumlah_sangat_baik,
    cast(rolled_up.jumlah_baik as integer) as jumlah_baik,
    cast(rolled_up.jumlah_butuh_perbaikan as integer) as jumlah_butuh_perbaikan,
    cast(rolled_up.jumlah_kurang as integer) as jumlah_kurang,
    cast(rolled_up.jumlah_sangat_kurang as integer) as jumlah_sangat_kurang,
    cast(rolled_up.jumlah_pegawai_wajib_jp as integer) as jumlah_pegawai_wajib_jp,
    cast(rolled_up.jumlah_patuh_jp as integer) as jumlah_patuh_jp,
    cast(
        case when rolled_up.jumlah_pegawai_wajib_jp > 0
            then cast(rolled_up.jumlah_patuh_jp as {{ type_double() }}) / rolled_up.jumlah_pegawai_wajib_jp
        end as {{ type_double() }}
    ) as rasio_patuh_jp
from rolled_up
inner join levels
    on rolled_up.kode_unit = levels.kode_unit
