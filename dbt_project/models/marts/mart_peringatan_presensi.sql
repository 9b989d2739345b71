-- Attendance-fraud and ghost-employee warnings (peringatan presensi) for HR review: one row per
-- finding of each transparent rule (int_peringatan__<pola>), with its evidence. A finding is a
-- reason to look, not a verdict: the pattern's keterangan and tindak_lanjut come with it.
-- id_peringatan is stable across rebuilds (a hash of the finding's grain), so HR can track a
-- finding from night to night.

{{ config_jendela_peringatan() }}
-- Incremental: the day-level findings (one employee's local day: those with a tanggal) are
-- replaced for the days of int_peringatan__jendela's window only, as their rules rebuild them;
-- the pair- and employee-level findings (no tanggal) are replaced whole every night. Those sum
-- up the whole history (a pair's buddy days and the share of its days present, an employee's
-- silent days, a NIK's NIPs) and can change with any new day or snapshot, but they are few: one
-- row per pair or employee flagged, against one per flagged day. No pattern code is named here:
-- the codes and their texts are seed pola_peringatan, each rule model emits its own.
-- depends_on: {{ ref('int_peringatan__jendela') }}
{%- set rules = [
    'int_peringatan__buddy_punching',
    'int_peringatan__luar_geofence',
    'int_peringatan__perjalanan_mustahil',
    'int_peringatan__presensi_saat_cuti',
    'int_peringatan__nik_ganda',
    'int_peringatan__pegawai_tanpa_aktivitas',
    'int_peringatan__nip_tidak_cocok',
] %}
{%- set columns = [
    'pola', 'nip', 'nip_terkait', 'tanggal', 'tanggal_mulai', 'tanggal_selesai',
    'jumlah_kejadian', 'id_perangkat', 'jarak_m', 'kecepatan_kmh', 'selisih_detik',
    'rasio_kejadian', 'bukti',
] %}

with findings as (

    {% for rule in rules %}
    select {{ columns | join(', ') }} from {{ ref(rule) }}
    {% if is_incremental() %}where tanggal is null or tanggal >= {{ awal_jendela_peringatan() }}{% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

patterns as (

    select * from {{ ref('pola_peringatan') }}

)

select
    {{ dbt.hash(dbt.concat([
        'findings.pola', "'|'", "coalesce(findings.nip, '')", "'|'",
        "coalesce(findings.nip_terkait, '')", "'|'",
        "coalesce(" ~ as_text('findings.tanggal') ~ ", '')",
    ])) }} as id_peringatan,
    findings.pola,
    patterns.nama as nama_pola,
    findings.nip,
    findings.nip_terkait,
    findings.tanggal,
    findings.tanggal_mulai,
    findings.tanggal_selesai,
    findings.jumlah_kejadian,
    findings.id_perangkat,
    findings.jarak_m,
    findings.kecepatan_kmh,
    findings.selisih_detik,
    findings.rasio_kejadian,
    findings.bukti,
    patterns.keterangan,
    patterns.tindak_lanjut
from findings
left join patterns
    on findings.pola = patterns.pola
