{#- Accepted values taken from the extract contract (seed `kode_kontrak`, generated from
    kinerja/contract/extracts.py), so no code list is restated in yml. -#}
{% test kode_kontrak(model, column_name, extract, kolom=none) %}
select {{ column_name }} as kode_tidak_dikenal
from {{ model }}
where {{ column_name }} is not null
  and cast({{ column_name }} as {{ dbt.type_string() }}) not in (
      select kode
      from {{ ref('kode_kontrak') }}
      where ekstrak = '{{ extract }}'
        and kolom = '{{ kolom or column_name }}'
  )
{% endtest %}
