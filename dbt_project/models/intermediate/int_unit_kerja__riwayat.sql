-- Unit history as validity intervals [berlaku_mulai, berlaku_sampai): the state a snapshot
-- delivered for a unit holds until the unit's next delivered state. A unit's earliest state also
-- holds for every earlier day (no older record exists), and its latest state holds on even when
-- later snapshots miss it (as stg_simpeg__unit_kerja keeps it): a punch must always find its
-- unit's time zone, and that zone is the one valid on the punch's day, not today's.

with snapshots as (

    select * from {{ ref('stg_simpeg__unit_kerja_riwayat') }}

)

select
    kode_unit,
    {{ berlaku_mulai('tanggal_snapshot', 'kode_unit') }} as berlaku_mulai,
    coalesce(
        lead(tanggal_snapshot) over (partition by kode_unit order by tanggal_snapshot),
        cast('9999-12-31' as date)
    ) as berlaku_sampai,
    tanggal_snapshot,
    nama_unit,
    kode_unit_induk,
    instansi,
    zona_waktu,
    lat,
    lon,
    radius_presensi_m
from snapshots
