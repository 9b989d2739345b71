{#- The rows of a tukin rate seed (potongan_tukin, potongan_tukin_izin) that hold for the
    agency's scheme (var skema_tukin): the scheme's own rows, and the rows of skema '*' (every
    scheme) for each `key` value the scheme does not rate itself. A select over the seed. -#}
{% macro tarif_skema_tukin(seed, key) -%}
    select * from {{ ref(seed) }}
    where skema = '{{ var("skema_tukin") }}'

    union all

    select * from {{ ref(seed) }}
    where skema = '*'
      and {{ key }} not in (select {{ key }} from {{ ref(seed) }} where skema = '{{ var("skema_tukin") }}')
{%- endmacro %}
