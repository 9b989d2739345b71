-- SKP results with their period dates and the predikat recomputed from the two ratings through
-- the `matriks_predikat` seed (int_skp__penilaian_versi): the newest version of each result.
-- The delivered predikat is kept beside it and flagged when the two disagree: public code exists
-- that computes the predikat wrongly.

with versions as (

    select * from {{ ref('int_skp__penilaian_versi') }}

),

newest as (

    {{ versi_terbaru('versions', 'id_penilaian', newest_by=['urutan_versi']) }}

)

select
    id_penilaian,
    nip,
    nip_penilai,
    tahun,
    periode,
    jenis_periode,
    kuartal,
    tanggal_mulai_periode,
    tanggal_akhir_periode,
    rating_hasil_kerja,
    rating_perilaku_kerja,
    predikat_sumber,
    predikat,
    nama_predikat,
    predikat_tidak_sesuai,
    capaian_organisasi,
    tanggal_penilaian
from newest
