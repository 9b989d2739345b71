-- Leave, duty travel and permits (izin): the newest version of every id_izin. A later version
-- replaces the earlier (by diperbarui_pada, then delivery date, then position in the file).

with source as (

    select * from {{ source('simpeg', 'izin') }}

),

typed as (

    select
        {{ clean_text('id_izin') }} as id_izin,
        {{ clean_text('nip') }} as nip,
        {{ clean_code('jenis') }} as jenis,
        {{ to_date('tanggal_mulai') }} as tanggal_mulai,
        {{ to_date('tanggal_selesai') }} as tanggal_selesai,
        {{ clean_code('status') }} as status,
        {{ iso_wall_clock('diperbarui_pada') }} as diperbarui_pada_tertulis,
        {{ iso_offset_minutes('diperbarui_pada') }} as offset_menit_tertulis,
        _extraction_date,
        _loaded_at,
        _row_number
    from source

),

versioned as (

    select
        *,
        -- versions of one record come from one source system, so an offset-less time compares
        -- consistently with its siblings even without knowing the zone
        row_number() over (
            partition by id_izin
            order by
                {{ to_utc('diperbarui_pada_tertulis', 'coalesce(offset_menit_tertulis, 0)') }} desc nulls last,
                _extraction_date desc,
                _loaded_at desc,
                _row_number desc
        ) as version_rank
    from typed
    where id_izin is not null

)

select
    id_izin,
    nip,
    jenis,
    tanggal_mulai,
    tanggal_selesai,
    status,
    case
        when offset_menit_tertulis is not null
            then {{ to_utc('diperbarui_pada_tertulis', 'offset_menit_tertulis') }}
    end as diperbarui_pada_utc,
    diperbarui_pada_tertulis,
    _extraction_date,
    _loaded_at
from versioned
where version_rank = 1
