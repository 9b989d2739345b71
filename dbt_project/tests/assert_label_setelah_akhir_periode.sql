{{ config(severity="warn") }}
-- The label comes from the next quarter's SKP, so it cannot be known before the features' point
-- in time; a label dated earlier would mean the SKP was assessed before its quarter began.

select nip, periode_id, tanggal_akhir_periode, tanggal_label_tersedia
from {{ ref('fitur_kinerja_pegawai') }}
where tanggal_label_tersedia <= tanggal_akhir_periode
