{#- The few places where DuckDB and PostgreSQL SQL differ. Everything else in the project is
    written once in SQL both engines accept. -#}

{#- 8-byte floating point. dbt.type_float() is a 4-byte REAL on DuckDB. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'kinerja')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{#- Capture group `group` of the first match of a POSIX-compatible regex, NULL when none. -#}
{% macro regex_extract(expression, pattern, group) -%}
    {{ return(adapter.dispatch('regex_extract', 'kinerja')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    (regexp_match({{ expression }}, '{{ pattern }}'))[{{ group }}]
{%- endmacro %}

{% macro duckdb__regex_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{#- round() of a double to n decimals (PostgreSQL rounds only numeric). -#}
{% macro round_double(expression, decimals) -%}
    {{ return(adapter.dispatch('round_double', 'kinerja')(expression, decimals)) }}
{%- endmacro %}

{% macro default__round_double(expression, decimals) -%}
    cast(round(cast({{ expression }} as numeric), {{ decimals }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__round_double(expression, decimals) -%}
    round(cast({{ expression }} as double), {{ decimals }})
{%- endmacro %}

{#- Dates: `date + integer` is a date on both engines; dbt.dateadd returns a timestamp. -#}
{% macro add_days(date_expression, days) -%}
    ({{ date_expression }} + {{ days }})
{%- endmacro %}

{% macro add_months(date_expression, months) -%}
    cast({{ dbt.dateadd('month', months, date_expression) }} as date)
{%- endmacro %}

{#- First day of the date's month or quarter, as a date (PostgreSQL would return timestamptz). -#}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', 'cast(' ~ date_expression ~ ' as timestamp)') }} as date)
{%- endmacro %}

{% macro quarter_start(date_expression) -%}
    cast({{ dbt.date_trunc('quarter', 'cast(' ~ date_expression ~ ' as timestamp)') }} as date)
{%- endmacro %}

{#- ISO weekday: Monday 1 .. Sunday 7. -#}
{% macro iso_weekday(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{#- Whole seconds from `start_ts` to `end_ts` (negative when end is earlier). -#}
{% macro seconds_between(start_ts, end_ts) -%}
    extract(epoch from ({{ end_ts }} - {{ start_ts }}))
{%- endmacro %}

{#- Whole minutes elapsed (floored) from `start_ts` to `end_ts`. -#}
{% macro minutes_between(start_ts, end_ts) -%}
    cast(floor({{ seconds_between(start_ts, end_ts) }} / 60.0) as integer)
{%- endmacro %}

{#- Completed years of age (or service) at `at_date`. -#}
{% macro whole_years_between(from_date, at_date) -%}
    (cast(extract(year from {{ at_date }}) as integer) - cast(extract(year from {{ from_date }}) as integer)
        - case
            when cast(extract(month from {{ at_date }}) as integer) * 100 + cast(extract(day from {{ at_date }}) as integer)
               < cast(extract(month from {{ from_date }}) as integer) * 100 + cast(extract(day from {{ from_date }}) as integer)
            then 1 else 0
          end)
{%- endmacro %}

{#- Fractional years between two dates, two decimals (tenure features). -#}
{% macro years_between(from_date, at_date) -%}
    {{ round_double(dbt.datediff(from_date, at_date, 'day') ~ ' / 365.25', 2) }}
{%- endmacro %}

{#- A row source of the integers 0 .. n-1 (no generate_series: its shape differs per engine). -#}
{% macro integer_series(n) -%}
    (values {% for i in range(n) %}({{ i }}){% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{#- Seconds since 1970-01-01 of a timestamp holding UTC (both engines read it as UTC). -#}
{% macro epoch_seconds(ts) -%}
    extract(epoch from {{ ts }})
{%- endmacro %}

{#- A value as text, for the human-readable evidence (bukti) of attendance warnings. -#}
{% macro as_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}
