-- Units (unit kerja): the organisation tree in its current state.

select
    kode_unit,
    nama_unit,
    kode_unit_induk,
    instansi,
    zona_waktu,
    lat,
    lon,
    radius_presensi_m,
    tanggal_snapshot,
    dalam_snapshot_terakhir
from {{ ref('stg_simpeg__unit_kerja') }}
