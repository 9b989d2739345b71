-- Employee history as validity intervals: which state (status, unit, position...) holds on a
-- day. A snapshot's rows hold from its extraction date until the next snapshot date, and an
-- employee absent from a later snapshot stops there. An employee's earliest known row also holds
-- for earlier days, as no older record exists: for every earlier day when the employee is in the
-- agency's first snapshot, otherwise from the day after the last snapshot that did not list them
-- (each is a full snapshot of everyone: who is missing was not there, so a transfer in with a
-- TMT CPNS years back is not expected at work before it arrives). Interval: [berlaku_mulai,
-- berlaku_sampai).

{{ config(materialized='incremental', unique_key='tanggal_snapshot') }}
-- Incremental by snapshot: a night rebuilds, whole, the snapshots from the one before the
-- earliest snapshot loaded since the previous build (its rows now end at the new one) on. A
-- snapshot delivered late, older than others, reaches every later snapshot that way: whose row
-- is earliest and which snapshot comes before it may change from there on. Older snapshots
-- cannot change.
{%- set dibangun_dari = snapshot_pegawai_dibangun_ulang_dari('_dimuat_pada', sebelumnya=true) if is_incremental() else none %}

with snapshots as (

    select * from {{ ref('stg_simpeg__pegawai_riwayat') }}
    {%- if dibangun_dari %}
    where tanggal_snapshot >= {{ dibangun_dari }}
    {%- endif %}

),

snapshot_dates as (

    select
        tanggal_snapshot,
        lag(tanggal_snapshot) over (order by tanggal_snapshot) as tanggal_snapshot_sebelumnya,
        lead(tanggal_snapshot) over (order by tanggal_snapshot) as tanggal_snapshot_berikutnya
    from (
        {%- if dibangun_dari %}
        -- every delivered date: the snapshot before the rebuilt ones is older than all of them
        select distinct _extraction_date as tanggal_snapshot
        from {{ relasi('stg_simpeg__pegawai_dimuat') }}
        {%- else %}
        select distinct tanggal_snapshot from snapshots
        {%- endif %}
    ) as delivered

),
{%- if dibangun_dari %}

listed_before as (

    -- employees in a snapshot older than the rebuilt ones: none of their rebuilt rows is their
    -- earliest
    select distinct nip
    from {{ this }}
    where tanggal_snapshot < {{ dibangun_dari }}

),
{%- endif %}

with_validity as (

    select
        snapshots.*,
        {{ berlaku_mulai(
            'snapshots.tanggal_snapshot',
            'snapshots.nip',
            'snapshot_dates.tanggal_snapshot_sebelumnya',
            'listed_before.nip is not null' if dibangun_dari else 'false',
        ) }} as berlaku_mulai,
        coalesce(snapshot_dates.tanggal_snapshot_berikutnya, cast('9999-12-31' as date)) as berlaku_sampai
    from snapshots
    inner join snapshot_dates
        on snapshots.tanggal_snapshot = snapshot_dates.tanggal_snapshot
    {%- if dibangun_dari %}
    left join listed_before
        on snapshots.nip = listed_before.nip
    {%- endif %}

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
    status_aktif = 'AKTIF' as aktif,
    -- when the row was loaded: what the next night rebuilds from
    _loaded_at as _dimuat_pada
from with_validity
