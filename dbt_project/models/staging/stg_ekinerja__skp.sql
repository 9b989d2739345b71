-- SKP results (e-Kinerja): the newest version of every id_penilaian (the order of
-- stg_ekinerja__skp_versi: a later diperbarui_pada wins, then a later delivery, then a later
-- position in the file).

with versions as (

    select * from {{ ref('stg_ekinerja__skp_versi') }}

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
    rating_hasil_kerja,
    rating_perilaku_kerja,
    predikat_sumber,
    capaian_organisasi,
    tanggal_penilaian,
    diperbarui_pada_utc,
    diperbarui_pada_tertulis,
    _extraction_date,
    _loaded_at
from newest
