-- Every version of every SKP result with its period dates and the predikat recomputed from the
-- two ratings through the `matriks_predikat` seed (int_skp__penilaian keeps the newest version;
-- the ML features read the version known at a quarter's end: diketahui_pada, urutan_versi). The delivered predikat is kept beside it and flagged when the two
-- disagree: public code exists that computes the predikat wrongly.

with skp as (

    select * from {{ ref('stg_ekinerja__skp_versi') }}

),

periods as (

    select * from {{ ref('periode_skp') }}

),

matrix as (

    select * from {{ ref('matriks_predikat') }}

),

predikat_names as (

    select * from {{ ref('predikat') }}

)

select
    skp.id_penilaian,
    skp.nip,
    skp.nip_penilai,
    skp.tahun,
    skp.periode,
    periods.jenis_periode,
    case
        when periods.jenis_periode = 'TRIWULANAN' then cast(periods.bulan_akhir / 3 as integer)
    end as kuartal,
    make_date(skp.tahun, periods.bulan_mulai, 1) as tanggal_mulai_periode,
    {{ add_days(add_months('make_date(skp.tahun, periods.bulan_akhir, 1)', 1), -1) }} as tanggal_akhir_periode,
    skp.rating_hasil_kerja,
    skp.rating_perilaku_kerja,
    skp.predikat_sumber,
    matrix.predikat,
    predikat_names.nama_predikat,
    case
        when skp.predikat_sumber is null or matrix.predikat is null then null
        else skp.predikat_sumber <> matrix.predikat
    end as predikat_tidak_sesuai,
    skp.capaian_organisasi,
    skp.tanggal_penilaian,
    skp.diketahui_pada,
    skp.urutan_versi
from skp
left join periods
    on skp.periode = periods.periode
left join matrix
    on skp.rating_hasil_kerja = matrix.rating_hasil_kerja
    and skp.rating_perilaku_kerja = matrix.rating_perilaku_kerja
left join predikat_names
    on matrix.predikat = predikat_names.predikat
