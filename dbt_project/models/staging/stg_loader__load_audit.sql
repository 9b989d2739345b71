-- Every batch the loader tried (raw.load_audit): which extract, for which extraction date, and
-- what became of it. raw.load_audit is created by the first load: before it exists the model is
-- empty, not broken.

{%- set audit = source('loader', 'load_audit') %}

{% if relation_exists(audit) %}
with source as (

    select * from {{ audit }}

)

select
    batch_id,
    lower("extract") as ekstrak,
    extraction_date as tanggal_ekstraksi,
    status,
    rows_delivered as baris_dikirim,
    rows_loaded as baris_dimuat,
    rows_quarantined as baris_dikarantina,
    loaded_at as dicatat_pada
from source
{% else %}
select
    cast(null as {{ dbt.type_string() }}) as batch_id,
    cast(null as {{ dbt.type_string() }}) as ekstrak,
    cast(null as date) as tanggal_ekstraksi,
    cast(null as {{ dbt.type_string() }}) as status,
    cast(null as bigint) as baris_dikirim,
    cast(null as bigint) as baris_dimuat,
    cast(null as bigint) as baris_dikarantina,
    cast(null as timestamp) as dicatat_pada
where 1 = 0
{% endif %}
