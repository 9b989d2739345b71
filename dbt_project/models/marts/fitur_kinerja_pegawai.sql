-- ML feature table: one row per employee (nip) and quarter. RESTRICTED (carries nip so that
-- scores can be published back). Every feature uses only what was known at the quarter's end
-- (tanggal_akhir_periode); the label is the next quarter's recomputed predikat, usable for
-- training only once tanggal_label_tersedia has passed. Audit dimensions (jenis_kelamin,
-- kelompok_umur, kelompok_golongan, zona_waktu) are for fairness checks, never model inputs;
-- grade (golongan) is only an audit dimension too: it follows tenure and rank, which the
-- features already carry, and would let the model treat grade groups differently.
-- tests/integration/test_feature_point_in_time.py plants data dated after a quarter's end in
-- every source and proves that quarter's rows do not change.
-- A table rebuilt whole every night, not incrementally: it holds one row per employee and
-- quarter (its history grows by quarters, not days), its attendance block comes from the
-- incremental int_fitur__presensi_kuartal, and a past quarter's row changes whenever a later
-- SKP rating arrives (its label is the next quarter's predikat), which the attendance windows
-- do not track.

with employee_quarters as (

    select * from {{ ref('int_fitur__pegawai_kuartal') }}

),

attendance as (

    select * from {{ ref('int_fitur__presensi_kuartal') }}

),

attendance_year_to_date as (

    -- PP 94/2021 counts unexcused days per calendar year: the year's quarters up to this one,
    -- each as known at its own end. From employee_quarters, so a quarter without any attendance
    -- row (long leave, an uncovered unit) still carries the year's earlier days.
    select
        employee_quarters.nip,
        employee_quarters.periode_id,
        sum(attendance_quarters.hari_tanpa_keterangan) as hari_tanpa_keterangan_ytd
    from employee_quarters
    inner join attendance as attendance_quarters
        on employee_quarters.nip = attendance_quarters.nip
        and attendance_quarters.tanggal_akhir_periode
            between make_date(employee_quarters.tahun, 1, 1) and employee_quarters.tanggal_akhir_periode
    group by employee_quarters.nip, employee_quarters.periode_id

),

training as (

    select * from {{ ref('int_fitur__pelatihan_kuartal') }}

),

sanctions as (

    select * from {{ ref('int_fitur__hukdis_kuartal') }}

),

performance as (

    select * from {{ ref('int_fitur__skp_kuartal') }}

),

rater_leniency as (

    select * from {{ ref('int_fitur__kelonggaran_penilai_kuartal') }}

)

select
    employee_quarters.nip,
    {{ pseudonym_key('employee_quarters.nip') }} as pegawai_key,
    employee_quarters.periode_id,
    employee_quarters.tahun,
    employee_quarters.periode,
    employee_quarters.tanggal_akhir_periode,

    cast(coalesce(attendance.hari_kerja_tercakup, 0) as integer) as hari_kerja_tercakup,
    cast(attendance.rasio_hadir as {{ type_double() }}) as rasio_hadir,
    cast(attendance.rasio_terlambat as {{ type_double() }}) as rasio_terlambat,
    cast(attendance.rata_menit_terlambat as {{ type_double() }}) as rata_menit_terlambat,
    cast(attendance.rata_menit_pulang_cepat as {{ type_double() }}) as rata_menit_pulang_cepat,
    cast(coalesce(attendance.hari_tanpa_keterangan, 0) as integer) as hari_tanpa_keterangan,
    cast(coalesce(attendance_year_to_date.hari_tanpa_keterangan_ytd, 0) as integer) as hari_tanpa_keterangan_ytd,
    cast(coalesce(attendance.hari_izin_sah, 0) as integer) as hari_izin_sah,
    cast(attendance.delta_rasio_terlambat as {{ type_double() }}) as delta_rasio_terlambat,
    cast(coalesce(attendance.hari_cuti_sakit, 0) as integer) as hari_cuti_sakit,
    cast(attendance.rasio_izin_menempel_libur as {{ type_double() }}) as rasio_izin_menempel_libur,
    cast(coalesce(training.jp_12_bulan, 0) as {{ type_double() }}) as jp_12_bulan,
    cast(coalesce(sanctions.jumlah_hukdis_24_bulan, 0) as integer) as jumlah_hukdis_24_bulan,
    performance.predikat_terakhir,
    performance.rating_hasil_terakhir,
    performance.rating_perilaku_terakhir,
    cast(rater_leniency.kelonggaran_penilai as {{ type_double() }}) as kelonggaran_penilai,
    cast(employee_quarters.masa_kerja_tahun as {{ type_double() }}) as masa_kerja_tahun,
    cast(employee_quarters.masa_jabatan_tahun as {{ type_double() }}) as masa_jabatan_tahun,
    employee_quarters.tingkat_pendidikan,
    employee_quarters.jenis_jabatan,

    employee_quarters.jenis_kelamin,
    employee_quarters.kelompok_umur,
    employee_quarters.kelompok_golongan,
    employee_quarters.zona_waktu,

    performance.predikat_berikutnya,
    cast(performance.label_berisiko as integer) as label_berisiko,
    performance.tanggal_label_tersedia
from employee_quarters
left join attendance using (nip, periode_id)
left join attendance_year_to_date using (nip, periode_id)
left join training using (nip, periode_id)
left join sanctions using (nip, periode_id)
left join performance using (nip, periode_id)
left join rater_leniency using (nip, periode_id)
