{#- Reading the raw layer: every source column arrives as TEXT exactly as delivered. These macros
    are the one place that says how a text becomes a typed value. -#}

{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- Codes are case-insensitive on input (contract); staging keeps them in capitals. -#}
{% macro clean_code(column) -%}
    upper({{ clean_text(column) }})
{%- endmacro %}

{#- PNS golongan is written "III/b": roman numerals in capitals, ruang letter in lower case.
    PPPK golongan ("IX") has no slash and stays in capitals. -#}
{% macro clean_golongan(column) -%}
    case
        when {{ clean_text(column) }} like '%/%'
            then upper(trim(split_part({{ clean_text(column) }}, '/', 1)))
                || '/' || lower(trim(split_part({{ clean_text(column) }}, '/', 2)))
        else {{ clean_code(column) }}
    end
{%- endmacro %}

{#- ISO dates; a time part, if a source appends one, is ignored. -#}
{% macro to_date(column) -%}
    cast(substr({{ clean_text(column) }}, 1, 10) as date)
{%- endmacro %}

{% macro to_integer(column) -%}
    cast({{ clean_text(column) }} as integer)
{%- endmacro %}

{#- Decimal comma is common in Indonesian spreadsheet exports ("-6,2088"): read it as a point. -#}
{% macro to_double(column) -%}
    cast(replace({{ clean_text(column) }}, ',', '.') as {{ type_double() }})
{%- endmacro %}
