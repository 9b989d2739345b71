-- NIK_GANDA: two NIPs sharing one NIK (national identity number) in the latest delivered
-- pegawai snapshot: one person on the payroll twice, or a record made up with a real NIK.
-- Grain: unordered pair (nip < nip_terkait); three NIPs on one NIK give three pairs. The NIK
-- itself never leaves this model: the evidence names the NIPs, their status and units.
-- Rebuilt whole every night (a view on DuckDB, a table on PostgreSQL), not incrementally: it
-- reads the latest snapshot only, one row per employee, whatever the length of the history.

with identities as (

    select * from {{ ref('stg_simpeg__pegawai_nik') }}

),

latest as (

    select distinct nip, nik, tanggal_snapshot
    from identities
    where tanggal_snapshot = (select max(tanggal_snapshot) from identities)

),

employees as (

    select * from {{ ref('stg_simpeg__pegawai') }}

),

shared as (

    select
        *,
        count(*) over (partition by nik) as jumlah_nip
    from latest

),

pairs as (

    select
        own.nip,
        other.nip as nip_terkait,
        own.tanggal_snapshot,
        own.jumlah_nip
    from shared as own
    inner join shared as other
        on own.nik = other.nik
        and own.nip < other.nip

)

select
    {{ kolom_temuan(
        'NIK_GANDA',
        'pairs.nip',
        tanggal_mulai='pairs.tanggal_snapshot',
        tanggal_selesai='pairs.tanggal_snapshot',
        jumlah_kejadian='pairs.jumlah_nip',
        nip_terkait='pairs.nip_terkait',
    ) }},
    'NIK yang sama dipakai ' || {{ as_text('pairs.jumlah_nip') }} || ' NIP pada snapshot '
        || {{ as_text('pairs.tanggal_snapshot') }} || ': ' || pairs.nip || ' ('
        || coalesce(own.status_kepegawaian, '-') || ' ' || coalesce(own.status_aktif, '-')
        || ', unit ' || coalesce(own.kode_unit, '-') || ') dan ' || pairs.nip_terkait || ' ('
        || coalesce(other.status_kepegawaian, '-') || ' ' || coalesce(other.status_aktif, '-')
        || ', unit ' || coalesce(other.kode_unit, '-') || ')' as bukti
from pairs
left join employees as own
    on pairs.nip = own.nip
left join employees as other
    on pairs.nip_terkait = other.nip
