-- Units (unit kerja): the latest delivered state of every unit. unit_kerja is a full snapshot per
-- delivery, so the current organisation is the latest extraction date; a unit missing from it
-- keeps its last known state, flagged, so older facts still find their unit.

with snapshots as (

    select * from {{ ref('stg_simpeg__unit_kerja_riwayat') }}

),

latest_per_unit as (

    select
        *,
        row_number() over (partition by kode_unit order by tanggal_snapshot desc) as version_rank,
        max(tanggal_snapshot) over () as latest_snapshot_date
    from snapshots

)

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
    tanggal_snapshot = latest_snapshot_date as dalam_snapshot_terakhir,
    _loaded_at
from latest_per_unit
where version_rank = 1
