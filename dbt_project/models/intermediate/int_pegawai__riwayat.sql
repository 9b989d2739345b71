-- Employee history as validity intervals: which state (status, unit, position...) holds on a
-- day. A snapshot's rows hold from its extraction date until the next snapshot date, and an
-- employee absent from a later snapshot stops there. An employee's earliest known row also holds
-- for earlier days, as no older record exists: for every earlier day when the employee is in the
-- agency's first snapshot, otherwise from the day after the last snapshot that did not list them
-- (each is a full snapshot of everyone: who is missing was not there, so a transfer in with a
-- TMT CPNS years back is not expected at work before it arrives). Interval: [berlaku_mulai,
-- berlaku_sampai).

with snapshots as (

    select * from {{ ref('stg_simpeg__pegawai_riwayat') }}

),

snapshot_dates as (

    select
        tanggal_snapshot,
        lag(tanggal_snapshot) over (order by tanggal_snapshot) as tanggal_snapshot_sebelumnya,
        lead(tanggal_snapshot) over (order by tanggal_snapshot) as tanggal_snapshot_berikutnya
    from (select distinct tanggal_snapshot from snapshots) as delivered

),

with_validity as (

    select
        snapshots.*,
        {{ berlaku_mulai(
            'snapshots.tanggal_snapshot', 'snapshots.nip', 'snapshot_dates.tanggal_snapshot_sebelumnya'
        ) }} as berlaku_mulai,
        coalesce(snapshot_dates.tanggal_snapshot_berikutnya, cast('9999-12-31' as date)) as berlaku_sampai
    from snapshots
    inner join snapshot_dates
        on snapshots.tanggal_snapshot = snapshot_dates.tanggal_snapshot

)

select
    nip,
    berlaku_mulai,
    berlaku_sampai,
    tanggal_snapshot,
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
    -- expected at work: in active service (not on CLTN, retired, ...) and already appointed
    status_aktif = 'AKTIF' as aktif
from with_validity
