{#- Great-circle distance in metres between two points given in decimal degrees (haversine,
    mean Earth radius 6,371 km): accurate to well under a metre at geofence scale. least() keeps
    rounding from pushing asin() past 1 for antipodal points. -#}
{% macro haversine_m(lat1, lon1, lat2, lon2) -%}
    (2 * 6371000 * asin(least(1.0, sqrt(
        power(sin(radians({{ lat2 }} - {{ lat1 }}) / 2), 2)
        + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }}))
          * power(sin(radians({{ lon2 }} - {{ lon1 }}) / 2), 2)
    ))))
{%- endmacro %}
