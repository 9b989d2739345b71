-- BUDDY_PUNCHING: two NIPs whose punches meet on one device, within peringatan_buddy_detik_maks
-- seconds of each other, at peringatan_buddy_pertemuan_min separate moments of a day (arriving
-- and leaving: the colleague punched in and out for someone who was not there), on at least
-- peringatan_buddy_hari_min distinct days. A queue at a terminal puts two colleagues seconds
-- apart at one moment now and then (on about one shared day in sixteen in the synthetic
-- agency); meeting at both ends of the day, again and again, is what chance does not explain.
-- Grain: unordered pair (nip < nip_terkait).
-- The days are found incrementally in int_peringatan__buddy_punching_harian; this model adds
-- them up per pair over the whole history and is rebuilt every night, not incrementally: a
-- pair's count, span and main device follow every day it met, and its rasio_kejadian divides
-- by the days the less present of the two punched at all, which grows each night for nearly
-- every pair. It reads the buddy days (a small share of all meetings) and, for the NIPs of
-- the pairs found, their punch days.
{%- set window_s = var('peringatan_buddy_detik_maks') %}
{%- set shown = 10 %}

with buddy_days as (

    select * from {{ ref('int_peringatan__buddy_punching_harian') }}

),

main_device as (

    select
        nip,
        nip_terkait,
        id_perangkat,
        row_number() over (
            partition by nip, nip_terkait
            order by count(*) desc, id_perangkat
        ) as device_rank
    from buddy_days
    group by nip, nip_terkait, id_perangkat

),

pairs as (

    select
        nip,
        nip_terkait,
        min(tanggal) as tanggal_mulai,
        max(tanggal) as tanggal_selesai,
        count(*) as jumlah_hari,
        avg(selisih_detik_rata) as selisih_detik_rata,
        {{ dbt.listagg(
            as_text('tanggal') ~ " || ' ' || daftar_pertemuan || ' di ' || id_perangkat",
            "'; '",
            'order by tanggal',
            shown
        ) }} as contoh
    from buddy_days
    group by nip, nip_terkait
    having count(*) >= {{ var('peringatan_buddy_hari_min') }}

),

days_present as (

    select nip, count(distinct tanggal) as jumlah_hari_hadir
    from {{ ref('int_presensi__punch') }}
    where nip in (select nip from pairs union all select nip_terkait from pairs)
    group by nip

)

select
    {{ kolom_temuan(
        'BUDDY_PUNCHING',
        'pairs.nip',
        tanggal_mulai='pairs.tanggal_mulai',
        tanggal_selesai='pairs.tanggal_selesai',
        jumlah_kejadian='pairs.jumlah_hari',
        nip_terkait='pairs.nip_terkait',
        id_perangkat='main_device.id_perangkat',
        selisih_detik=round_double('pairs.selisih_detik_rata', 1),
        rasio_kejadian=round_double(
            'cast(pairs.jumlah_hari as ' ~ type_double() ~ ')'
            ~ ' / least(own.jumlah_hari_hadir, other.jumlah_hari_hadir)', 3
        ),
    ) }},
    'Presensi berselisih paling lama {{ window_s }} detik pada perangkat yang sama, '
        || 'saat datang dan pulang, di ' || {{ as_text('pairs.jumlah_hari') }} || ' hari ('
        || {{ as_text('pairs.tanggal_mulai') }} || ' s.d. '
        || {{ as_text('pairs.tanggal_selesai') }} || '): ' || pairs.contoh
        || case when pairs.jumlah_hari > {{ shown }} then '; ...' else '' end as bukti
from pairs
inner join main_device
    on pairs.nip = main_device.nip
    and pairs.nip_terkait = main_device.nip_terkait
    and main_device.device_rank = 1
inner join days_present as own
    on pairs.nip = own.nip
inner join days_present as other
    on pairs.nip_terkait = other.nip
