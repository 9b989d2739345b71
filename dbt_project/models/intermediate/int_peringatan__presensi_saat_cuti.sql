-- PRESENSI_SAAT_CUTI: punches on a local date covered by an approved (DISETUJUI) izin of a kind
-- that keeps the person away from work (peringatan_jenis_izin_tidak_hadir: leave and duty
-- travel). Either the punch was made for them, or the leave was not taken. One finding per
-- employee and day; the latest version of each izin counts (stg_simpeg__izin), so leave that
-- was rejected or cancelled afterwards raises nothing.

{{ config_jendela_peringatan() }}
-- Incremental by local day: a finding is one employee's day, its punches and the leave that
-- covers it (a leave version loaded later moves the window back to the leave's first day), so
-- only the days of int_peringatan__jendela's window are recomputed and replaced.
-- depends_on: {{ ref('int_peringatan__jendela') }}
{%- set kinds = var('peringatan_jenis_izin_tidak_hadir') %}

with punches as (

    select * from {{ ref('int_presensi__punch') }}
    {% if is_incremental() %}where tanggal >= {{ awal_jendela_peringatan() }}{% endif %}

),

leave as (

    select * from {{ ref('stg_simpeg__izin') }}
    where status = 'DISETUJUI'
      and jenis in ({% for kind in kinds %}'{{ kind }}'{% if not loop.last %}, {% endif %}{% endfor %})

),

punches_on_leave as (

    select
        punches.*,
        leave.id_izin,
        leave.jenis,
        leave.tanggal_mulai as izin_mulai,
        leave.tanggal_selesai as izin_selesai,
        -- overlapping izin: the punch is named once, with the first of them
        row_number() over (
            partition by punches.nip, punches.waktu_utc
            order by leave.tanggal_mulai, leave.id_izin
        ) as leave_rank
    from punches
    inner join leave
        on punches.nip = leave.nip
        and punches.tanggal >= leave.tanggal_mulai
        and punches.tanggal <= leave.tanggal_selesai

),

named as (

    select
        *,
        row_number() over (partition by nip, tanggal order by waktu_utc) as punch_rank
    from punches_on_leave
    where leave_rank = 1

),

per_day as (

    {{ punch_per_hari(
        'named',
        as_text('cast(waktu_lokal as time)') ~ " || ' ' || coalesce(sumber, '-')"
            ~ " || ' ' || coalesce(id_perangkat, '-')"
    ) }}

)

select
    {{ kolom_temuan(
        'PRESENSI_SAAT_CUTI',
        'per_day.nip',
        tanggal_mulai='first_punch.izin_mulai',
        tanggal_selesai='first_punch.izin_selesai',
        jumlah_kejadian='per_day.jumlah_punch',
        tanggal='per_day.tanggal',
        id_perangkat='first_punch.id_perangkat',
    ) }},
    'Izin ' || first_punch.id_izin || ' (' || first_punch.jenis || ' '
        || {{ as_text('first_punch.izin_mulai') }} || ' s.d. '
        || {{ as_text('first_punch.izin_selesai') }} || ') disetujui, namun ada presensi: '
        || per_day.daftar_punch as bukti
from per_day
inner join named as first_punch
    on per_day.nip = first_punch.nip
    and per_day.tanggal = first_punch.tanggal
    and first_punch.punch_rank = 1
