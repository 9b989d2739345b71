{#- The columns every attendance warning rule (int_peringatan__<pola>) gives a finding, in the
    order and types mart_peringatan_presensi unions them in, up to its evidence (bukti), which the
    rule writes after them. Each argument is the rule's SQL expression for the column; what a rule
    does not measure is a typed NULL. -#}
{% macro kolom_temuan(
    pola, nip, tanggal_mulai, tanggal_selesai, jumlah_kejadian,
    nip_terkait=none, tanggal=none, id_perangkat=none,
    jarak_m=none, kecepatan_kmh=none, selisih_detik=none, rasio_kejadian=none
) -%}
    {%- set no_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {%- set no_number = 'cast(null as ' ~ type_double() ~ ')' -%}
    '{{ pola }}' as pola,
    {{ nip }} as nip,
    {{ nip_terkait or no_text }} as nip_terkait,
    {{ tanggal or 'cast(null as date)' }} as tanggal,
    {{ tanggal_mulai }} as tanggal_mulai,
    {{ tanggal_selesai }} as tanggal_selesai,
    cast({{ jumlah_kejadian }} as integer) as jumlah_kejadian,
    {{ id_perangkat or no_text }} as id_perangkat,
    {{ jarak_m or no_number }} as jarak_m,
    {{ kecepatan_kmh or no_number }} as kecepatan_kmh,
    {{ selisih_detik or no_number }} as selisih_detik,
    {{ rasio_kejadian or no_number }} as rasio_kejadian
{%- endmacro %}


{#- A rule's punches (`punches`: nip, tanggal, waktu_utc) per employee and day: how many, and
    their list in time order for the evidence, each as the SQL text expression `uraian`. -#}
{% macro punch_per_hari(punches, uraian) -%}
    select
        nip,
        tanggal,
        count(*) as jumlah_punch,
        {{ dbt.listagg(uraian, "'; '", 'order by waktu_utc') }} as daftar_punch
    from {{ punches }}
    group by nip, tanggal
{%- endmacro %}
