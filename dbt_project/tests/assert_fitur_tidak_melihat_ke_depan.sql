-- No feature looks ahead: every input a feature row used is dated on or before the quarter's end
-- (tanggal_akhir_periode). The intermediate models carry the latest date each feature used
-- (for leave: the day the decision used became known).

select 'skp' as sumber, periode_id, nip, tanggal_penilaian_terakhir as tanggal_dipakai, tanggal_akhir_periode
from {{ ref('int_fitur__skp_kuartal') }}
where tanggal_penilaian_terakhir > tanggal_akhir_periode

union all

select 'presensi', periode_id, nip, tanggal_presensi_terakhir, tanggal_akhir_periode
from {{ ref('int_fitur__presensi_kuartal') }}
where tanggal_presensi_terakhir > tanggal_akhir_periode

union all

select 'pelatihan', periode_id, nip, tanggal_pelatihan_terakhir, tanggal_akhir_periode
from {{ ref('int_fitur__pelatihan_kuartal') }}
where tanggal_pelatihan_terakhir > tanggal_akhir_periode

union all

select 'hukuman_disiplin', periode_id, nip, tanggal_sk_terakhir, tanggal_akhir_periode
from {{ ref('int_fitur__hukdis_kuartal') }}
where tanggal_sk_terakhir > tanggal_akhir_periode

union all

select 'izin', periode_id, nip, izin_diketahui_pada, tanggal_akhir_periode
from {{ ref('int_fitur__presensi_harian') }}
where izin_diketahui_pada > tanggal_akhir_periode or tanggal > tanggal_akhir_periode

union all

select 'kelonggaran_penilai', periode_id, nip, tanggal_penilaian_terakhir, tanggal_akhir_periode
from {{ ref('int_fitur__kelonggaran_penilai_kuartal') }}
where tanggal_penilaian_terakhir > tanggal_akhir_periode
