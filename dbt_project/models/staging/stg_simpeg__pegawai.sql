-- Employees (pegawai): current state. The latest snapshot is the current state; an employee no
-- longer in it (e.g. retired over a year ago) keeps the last delivered state, flagged, so that
-- historical facts still find their employee.

with snapshots as (

    select * from {{ ref('stg_simpeg__pegawai_riwayat') }}

)

{{ keadaan_terakhir('snapshots', 'nip') }}
