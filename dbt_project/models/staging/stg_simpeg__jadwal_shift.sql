-- Shift roster (jadwal shift): the newest version of every id_jadwal (a later diperbarui_pada,
-- then a later delivery, then a later line). Times are split as written (the wall clock) and
-- their offset, like punches: an offset-less time is the unit's local time, resolved where the
-- unit is known (int_kalender__jadwal_shift). Only units on the SHIFT pattern read it.

with source as (

    select * from {{ source('simpeg', 'jadwal_shift') }}

),

typed as (

    select
        {{ clean_text('id_jadwal') }} as id_jadwal,
        {{ clean_text('nip') }} as nip,
        {{ to_date('tanggal') }} as tanggal,
        {{ clean_text('kode_shift') }} as kode_shift,
        {{ iso_wall_clock('waktu_mulai') }} as waktu_mulai_tertulis,
        {{ iso_offset_minutes('waktu_mulai') }} as offset_menit_mulai,
        {{ iso_wall_clock('waktu_selesai') }} as waktu_selesai_tertulis,
        {{ iso_offset_minutes('waktu_selesai') }} as offset_menit_selesai,
        {{ kolom_diperbarui_tertulis() }}
    from source
    where {{ clean_text('id_jadwal') }} is not null

),

versions as (

    select
        *,
        {{ to_utc('diperbarui_pada_tertulis', 'coalesce(offset_menit_tertulis, 0)') }} as diperbarui_pada_urut
    from typed

),

newest as (

    {{ versi_terbaru('versions', 'id_jadwal', newest_by=['diperbarui_pada_urut', '_extraction_date', '_loaded_at', '_row_number']) }}

)

select
    id_jadwal,
    nip,
    tanggal,
    kode_shift,
    waktu_mulai_tertulis,
    offset_menit_mulai,
    waktu_selesai_tertulis,
    offset_menit_selesai,
    _extraction_date,
    _loaded_at
from newest
