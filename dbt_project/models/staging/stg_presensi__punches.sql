-- Attendance punches (presensi), typed. The timestamp is split into the wall-clock time as
-- written and its offset; punches without offset are resolved in the unit's zone, and repeated
-- punches removed, in int_presensi__harian (both need the employee's unit).

with source as (

    select * from {{ source('presensi', 'presensi') }}

)

select
    {{ clean_text('nip') }} as nip,
    {{ clean_text('waktu') }} as waktu_asli,
    {{ iso_wall_clock('waktu') }} as waktu_tertulis,
    {{ iso_offset_minutes('waktu') }} as offset_menit_tertulis,
    {{ clean_code('sumber') }} as sumber,
    {{ clean_text('id_perangkat') }} as id_perangkat,
    {{ to_double('lat') }} as lat,
    {{ to_double('lon') }} as lon,
    _extraction_date,
    _batch_id,
    _loaded_at,
    _row_number
from source
where {{ clean_text('nip') }} is not null
  and {{ clean_text('waktu') }} is not null
