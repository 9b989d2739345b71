-- Units (unit kerja): the latest delivered state of every unit. unit_kerja is a full snapshot per
-- delivery, so the current organisation is the latest extraction date; a unit missing from it
-- keeps its last known state, flagged, so older facts still find their unit.

with snapshots as (

    select * from {{ ref('stg_simpeg__unit_kerja_riwayat') }}

)

{{ keadaan_terakhir('snapshots', 'kode_unit') }}
