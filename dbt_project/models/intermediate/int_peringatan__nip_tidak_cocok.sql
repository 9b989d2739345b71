-- NIP_TIDAK_COCOK: a PNS/CPNS NIP whose digits contradict the profile (digits 1-8 the birth
-- date, digit 15 the sex): a number that cannot belong to the person it is filed under. The
-- loader quarantines such pegawai rows (rule NIP_PROFILE_MISMATCH, so they never reach the
-- snapshot); any that reach the snapshot anyway (a rule switched off, an older load) are
-- checked here again. Grain: nip.
-- Rebuilt whole every night, not incrementally: its inputs are the refused pegawai rows and the
-- employee states (a row per change, not per delivery), which grow with staff and their
-- changes, not with days; and a finding adds up all of an employee's refusals and snapshots.

with quarantined as (

    select
        nip,
        tanggal_ekstraksi as tanggal,
        'Ditolak loader (' || aturan || ') pada ekstraksi ' || {{ as_text('tanggal_ekstraksi') }}
            || ': ' || pesan as keterangan
    from {{ ref('stg_loader__quarantine') }}
    where ekstrak = 'pegawai'
      and aturan = 'NIP_PROFILE_MISMATCH'  -- the contract's rule code (kinerja/contract/rules.py)
      and nip is not null

),

in_snapshot as (

    select
        nip,
        tanggal_snapshot as tanggal,
        'Snapshot ' || {{ as_text('tanggal_snapshot') }} || ': ' || status_kepegawaian
            || case
                when substr(nip, 1, 8) <> replace({{ as_text('tanggal_lahir') }}, '-', '')
                    then ' dengan digit 1-8 NIP berbeda dari tanggal lahir'
                else ' dengan digit 15 NIP berbeda dari jenis kelamin ' || jenis_kelamin
            end as keterangan
    from {{ ref('stg_simpeg__pegawai_riwayat') }}
    where status_kepegawaian in ('PNS', 'CPNS')
      and (
        substr(nip, 1, 8) <> replace({{ as_text('tanggal_lahir') }}, '-', '')
        or substr(nip, 15, 1) <> case jenis_kelamin when 'L' then '1' when 'P' then '2' end
      )

),

findings as (

    select * from quarantined
    union all
    select * from in_snapshot

),

per_nip as (

    select
        nip,
        min(tanggal) as tanggal_mulai,
        max(tanggal) as tanggal_selesai,
        count(*) as jumlah,
        {{ dbt.listagg('keterangan', "'; '", 'order by tanggal desc, keterangan', 3) }} as daftar
    from findings
    group by nip

)

select
    {{ kolom_temuan(
        'NIP_TIDAK_COCOK',
        'nip',
        tanggal_mulai='tanggal_mulai',
        tanggal_selesai='tanggal_selesai',
        jumlah_kejadian='jumlah',
    ) }},
    daftar || case when jumlah > 3 then '; ...' else '' end as bukti
from per_nip
