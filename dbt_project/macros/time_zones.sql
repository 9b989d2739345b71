{#- Timestamps. Sources write ISO-8601, normally with an offset ("2024-03-04T07:45:00+07:00");
    a value without offset is wall-clock time in the unit's own zone. Instants are kept as
    `timestamp` (without time zone) holding UTC, so no result depends on a session time zone.
    Indonesia has no daylight saving: local time = UTC + the zone's fixed offset; the offsets of
    WIB / WITA / WIT come from the `zona_waktu` seed (generated from the contract).
    Only real instants reach these macros: the loader quarantines (INVALID_TIMESTAMP) hours past
    23, minutes past 59 and offsets outside -12:00..+14:00, which would move a punch to another
    day here. -#}

{#- time of day, then an optional offset at the very end. Groups: 1 time, 2 offset. Anchoring
    the offset to a time keeps the "-04" of a bare date from being read as an offset. -#}
{% macro _iso_time_and_offset_pattern() -%}
    ([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?)[[:space:]]*(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)$
{%- endmacro %}

{#- The offset text ("+07:00", "+0700", "+07", "Z") of an ISO timestamp, NULL when absent. -#}
{% macro iso_offset_text(column) -%}
    {{ regex_extract(clean_text(column), _iso_time_and_offset_pattern(), 2) }}
{%- endmacro %}

{#- Offset east of UTC in minutes as written, NULL when the timestamp carries none. -#}
{% macro iso_offset_minutes(column) -%}
    {{ return(adapter.dispatch('iso_offset_minutes', 'kinerja')(column)) }}
{%- endmacro %}

{% macro default__iso_offset_minutes(column) -%}
    {%- set offset = iso_offset_text(column) -%}
    case
        when {{ offset }} is null then null
        when upper({{ offset }}) = 'Z' then 0
        else (case when substr({{ offset }}, 1, 1) = '-' then -1 else 1 end)
            * (cast(substr({{ offset }}, 2, 2) as integer) * 60
               + coalesce(cast(nullif(substr(replace({{ offset }}, ':', ''), 4, 2), '') as integer), 0))
    end
{%- endmacro %}

{#- PostgreSQL: its regex engine costs ~10 us a call, and the expression above repeats its regex
    six times (a macro is text), so typing the punches of a first night took minutes. PostgreSQL's
    own timestamp parser reads the offset instead: a cast to timestamp ignores it, a cast to
    timestamptz applies it, and their difference is the offset. An offset can only follow the
    time: the loader (INVALID_TIMESTAMP) lets only "YYYY-MM-DD[T ]HH:MM..." into raw, so a sign
    or Z after the 10-character date is one. -#}
{% macro postgres__iso_offset_minutes(column) -%}
    {%- set value = "replace(" ~ clean_text(column) ~ ", ',', '.')" -%}
    case
        when strpos(substr({{ value }}, 11), '+') > 0
            or strpos(substr({{ value }}, 11), '-') > 0
            or upper(right({{ value }}, 1)) = 'Z'
            then cast({{ seconds_between(
                "(cast(" ~ value ~ " as timestamptz) at time zone 'UTC')",
                "cast(" ~ value ~ " as timestamp)"
            ) }} / 60 as integer)
    end
{%- endmacro %}

{#- The wall-clock part of an ISO timestamp (any offset stripped), as a timestamp. -#}
{% macro iso_wall_clock(column) -%}
    {{ return(adapter.dispatch('iso_wall_clock', 'kinerja')(column)) }}
{%- endmacro %}

{% macro default__iso_wall_clock(column) -%}
    cast(replace(regexp_replace({{ clean_text(column) }}, '{{ _iso_time_and_offset_pattern() }}', '\1'), ',', '.') as timestamp)
{%- endmacro %}

{#- PostgreSQL's cast to timestamp (without time zone) ignores a written offset by definition. -#}
{% macro postgres__iso_wall_clock(column) -%}
    cast(replace({{ clean_text(column) }}, ',', '.') as timestamp)
{%- endmacro %}

{#- The UTC instant of a wall-clock time written `offset_minutes` east of UTC. -#}
{% macro to_utc(wall_clock, offset_minutes) -%}
    {{ dbt.dateadd('minute', '-1 * (' ~ offset_minutes ~ ')', wall_clock) }}
{%- endmacro %}

{#- Local wall-clock time of a UTC instant in a zone `utc_offset_hours` east of UTC (models join
    the `zona_waktu` seed on the unit's zona_waktu to get the hours). -#}
{% macro to_local_time(utc_ts, utc_offset_hours) -%}
    {{ dbt.dateadd('hour', utc_offset_hours, utc_ts) }}
{%- endmacro %}
