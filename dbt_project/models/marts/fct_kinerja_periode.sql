-- Performance results (kinerja) per employee and SKP period, with the predikat recomputed
-- from the ratings and a flag where the source's own predikat disagrees.

select
    id_penilaian,
    nip,
    {{ pseudonym_key('nip') }} as pegawai_key,
    nip_penilai,
    tahun,
    periode,
    jenis_periode,
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
from {{ ref('int_skp__penilaian') }}
