-- Leave, duty travel and permits (izin): the newest version of every id_izin. A later version
-- replaces the earlier (by diperbarui_pada, then delivery date, then position in the file: the
-- order of stg_simpeg__izin_versi).

with versions as (

    select * from {{ ref('stg_simpeg__izin_versi') }}

),

newest as (

    {{ versi_terbaru('versions', 'id_izin', newest_by=['urutan_versi']) }}

)

select
    id_izin,
    nip,
    jenis,
    tanggal_mulai,
    tanggal_selesai,
    status,
    diperbarui_pada_utc,
    diperbarui_pada_tertulis,
    _extraction_date,
    _loaded_at
from newest
