{#- The working calendars (int_kalender__hari) are keyed by pattern and region: `kalender` is
    '<pola_kerja>/<kode_wilayah>', e.g. 'ENAM_HARI/51'; '*' as the region means national
    holidays only. A unit with no pattern of its own or of an ancestor (seed pola_kerja_unit)
    works the agency's default pattern, var pola_kerja_bawaan (the five-day week of Perpres
    21/2023; kinerja.calendar reads the same var for the delivery checks). -#}
{% macro pola_kerja_bawaan() -%}
    '{{ var("pola_kerja_bawaan") }}'
{%- endmacro %}


{% macro kunci_kalender(pola_kerja, kode_wilayah) -%}
    ({{ pola_kerja }} || '/' || {{ kode_wilayah }})
{%- endmacro %}


{#- The calendar of a unit without pattern and region, and of an employee-day built before
    calendars had a key (their rows were judged on it). -#}
{% macro kalender_bawaan() -%}
    {{ kunci_kalender(pola_kerja_bawaan(), "'*'") }}
{%- endmacro %}


{#- The pattern of units that work shifts: no weekday of seed jam_kerja is theirs; an employee's
    working days and hours are the delivered roster's (extract jadwal_shift,
    int_kalender__jadwal_shift). -#}
{% macro pola_kerja_shift() -%}
    'SHIFT'
{%- endmacro %}


{#- For every unit of `tree` (int_unit_kerja__hierarki), the `kolom` of the rows of `per_unit`
    (keyed by kode_unit) of itself and of its ancestors, ranked nearest first (nearness = 1: the
    unit's own row, else its nearest ancestor's). -#}
{% macro terdekat_di_pohon(tree, per_unit, kolom) -%}
    select
        {{ tree }}.kode_unit,
        {{ per_unit }}.{{ kolom }},
        row_number() over (partition by {{ tree }}.kode_unit order by {{ tree }}.jarak) as nearness
    from {{ tree }}
    inner join {{ per_unit }}
        on {{ tree }}.kode_unit_leluhur = {{ per_unit }}.kode_unit
{%- endmacro %}
