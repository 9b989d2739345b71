-- Employees (pegawai): current state. The latest snapshot is the current state; an employee no
-- longer in it (e.g. retired over a year ago) keeps the last delivered state, flagged, so that
-- historical facts still find their employee.

with snapshots as (

    select * from {{ ref('stg_simpeg__pegawai_riwayat') }}

),

latest_per_employee as (

    select
        *,
        row_number() over (partition by nip order by tanggal_snapshot desc) as version_rank,
        max(tanggal_snapshot) over () as latest_snapshot_date
    from snapshots

)

select
    nip,
    nama,
    jenis_kelamin,
    tanggal_lahir,
    status_kepegawaian,
    golongan,
    jenis_jabatan,
    nama_jabatan,
    kode_unit,
    nip_atasan,
    pendidikan,
    tmt_cpns,
    tmt_jabatan,
    status_aktif,
    tanggal_snapshot,
    tanggal_snapshot = latest_snapshot_date as dalam_snapshot_terakhir,
    _loaded_at
from latest_per_employee
where version_rank = 1
