-- Rows the loader quarantined, with the NIP read from the record as delivered. The JSON keys are
-- the delivered header names (any case), so the NIP is matched by pattern rather than by path,
-- which also keeps the model the same on both engines.
-- raw.quarantine is created by the first load: before it exists the model is empty, not broken.

{%- set quarantine = source('loader', 'quarantine') %}
{%- set exists = relation_exists(quarantine) %}
{%- set nip_pattern = '"[[:space:]]*[Nn][Ii][Pp][[:space:]]*"[[:space:]]*:[[:space:]]*"([^"]*)"' %}

{% if exists %}
with source as (

    select * from {{ quarantine }}

)

select
    lower("extract") as ekstrak,
    extraction_date as tanggal_ekstraksi,
    source_file as berkas_sumber,
    "row_number" as nomor_baris,
    "rule" as aturan,
    column_name as kolom,
    message as pesan,
    {{ clean_text(regex_extract('raw_record', nip_pattern, 1)) }} as nip,
    quarantined_at as dikarantina_pada
from source
{% else %}
select
    cast(null as {{ dbt.type_string() }}) as ekstrak,
    cast(null as date) as tanggal_ekstraksi,
    cast(null as {{ dbt.type_string() }}) as berkas_sumber,
    cast(null as bigint) as nomor_baris,
    cast(null as {{ dbt.type_string() }}) as aturan,
    cast(null as {{ dbt.type_string() }}) as kolom,
    cast(null as {{ dbt.type_string() }}) as pesan,
    cast(null as {{ dbt.type_string() }}) as nip,
    cast(null as timestamp) as dikarantina_pada
where 1 = 0
{% endif %}
