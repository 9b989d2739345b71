-- NIP_TIDAK_COCOK: a PNS/CPNS NIP whose digits contradict the profile (digits 1-8 the birth
-- date, 9-14 the TMT CPNS year-month, 15 the sex, 16-18 a sequence from 001): a number that
-- may not belong to the person it is filed under. A finding, not a disappearance (contract rule
-- NIP_PROFILE_MISMATCH, level finding): the row loads and the employee stays in every mart;
-- this model is where the rule is computed, from the loaded profile. Pegawai rows an older
-- loader quarantined under that rule are still reported. Grain: nip.
-- Rebuilt whole every night, not incrementally: its inputs are the refused pegawai rows and the
-- employee states (a row per change, not per delivery), which grow with staff and their
-- changes, not with days; and a finding adds up all of an employee's refusals and snapshots.

with quarantined as (

    -- The loader's message is not cited: the older loader's message for this rule quoted the
    -- birth date and the NIP (`nip '...' does not start with tanggal_lahir '1985-08-17'`), and
    -- the evidence cites no birth dates. Which part disagreed is all it lends, as a part code.
    select
        nip,
        tanggal,
        'Ditolak loader (' || aturan || ') pada ekstraksi ' || {{ as_text('tanggal') }}
            || coalesce(': NIP tidak cocok: ' || bagian, '') as keterangan,
        bagian
    from (
        select
            nip,
            tanggal_ekstraksi as tanggal,
            aturan,
            case
                when pesan like '%tanggal_lahir%' then 'TANGGAL_LAHIR'
                when pesan like '%jenis_kelamin%' then 'JENIS_KELAMIN'
            end as bagian
        from {{ ref('stg_loader__quarantine') }}
        where ekstrak = 'pegawai'
          and aturan = 'NIP_PROFILE_MISMATCH'  -- the contract's rule code (kinerja/contract/rules.py)
          and nip is not null
    ) as refused

),

checked as (

    -- Each part of the NIP against the profile (contract rule NIP_PROFILE_MISMATCH, a finding:
    -- the row loaded and the employee stays in every mart). The part codes name what disagrees.
    select
        nip,
        tanggal_snapshot,
        status_kepegawaian,
        jenis_kelamin,
        substr(nip, 1, 8) <> replace({{ as_text('tanggal_lahir') }}, '-', '') as beda_lahir,
        -- digits 9-14 are the TMT CPNS year and month; only when the extract delivers tmt_cpns
        coalesce(
            substr(nip, 9, 6) <> substr(replace({{ as_text('tmt_cpns') }}, '-', ''), 1, 6), false
        ) as beda_tmt,
        substr(nip, 15, 1) <> case jenis_kelamin when 'L' then '1' when 'P' then '2' end
            as beda_kelamin,
        -- a sequence counts from 001: 000 numbers nobody
        substr(nip, 16, 3) = '000' as beda_urut
    from {{ ref('stg_simpeg__pegawai_riwayat') }}
    -- PPPK NIPs follow another scheme (DOMAIN.md): never read as a PNS number
    where status_kepegawaian in ('PNS', 'CPNS')

),

in_snapshot as (

    select
        nip,
        tanggal_snapshot as tanggal,
        'Snapshot ' || {{ as_text('tanggal_snapshot') }} || ': ' || status_kepegawaian
            || ' dengan NIP tidak cocok: ' || bagian as keterangan,
        bagian
    from (
        select
            *,
            ltrim(
                case when beda_lahir then ',TANGGAL_LAHIR' else '' end
                || case when beda_tmt then ',TMT_CPNS' else '' end
                || case when beda_kelamin then ',JENIS_KELAMIN' else '' end
                || case when beda_urut then ',NOMOR_URUT' else '' end,
                ','
            ) as bagian
        from checked
        where beda_lahir or beda_tmt or beda_kelamin or beda_urut
    ) as disagreeing

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

),

latest as (

    -- the parts that disagree in the newest finding of each employee: what HR has to fix now
    select nip, bagian
    from (
        select
            nip,
            bagian,
            row_number() over (partition by nip order by tanggal desc, bagian) as urutan
        from findings
    ) as ranked
    where urutan = 1

)

select
    {{ kolom_temuan(
        'NIP_TIDAK_COCOK',
        'per_nip.nip',
        tanggal_mulai='tanggal_mulai',
        tanggal_selesai='tanggal_selesai',
        jumlah_kejadian='jumlah',
    ) }},
    daftar || case when jumlah > 3 then '; ...' else '' end as bukti,
    latest.bagian as bagian_tidak_cocok
from per_nip
inner join latest on per_nip.nip = latest.nip
