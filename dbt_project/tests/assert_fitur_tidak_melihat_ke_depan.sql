-- No feature looks ahead: every input a feature row used is dated on or before the quarter's end
-- (tanggal_akhir_periode). The intermediate models carry the latest date each feature used
-- (for leave: the day the decision used became known).

{#- sumber: the feature model and the latest date of its input it carries -#}
{%- set probes = {
    'skp': ('int_fitur__skp_kuartal', 'tanggal_penilaian_terakhir'),
    'presensi': ('int_fitur__presensi_kuartal', 'tanggal_presensi_terakhir'),
    'pelatihan': ('int_fitur__pelatihan_kuartal', 'tanggal_pelatihan_terakhir'),
    'hukuman_disiplin': ('int_fitur__hukdis_kuartal', 'tanggal_sk_terakhir'),
    'kelonggaran_penilai': ('int_fitur__kelonggaran_penilai_kuartal', 'tanggal_penilaian_terakhir'),
} %}

{%- for sumber, (model, used_date) in probes.items() %}

select '{{ sumber }}' as sumber, periode_id, nip, {{ used_date }} as tanggal_dipakai, tanggal_akhir_periode
from {{ ref(model) }}
where {{ used_date }} > tanggal_akhir_periode

union all
{%- endfor %}

-- a day's leave decision, and the day itself
select 'izin', periode_id, nip, izin_diketahui_pada, tanggal_akhir_periode
from {{ ref('int_fitur__presensi_harian') }}
where izin_diketahui_pada > tanggal_akhir_periode or tanggal > tanggal_akhir_periode
