-- The working calendar of every unit: its pattern (seed pola_kerja_unit) and region (seed
-- wilayah_unit), each from the unit's own row or else its nearest ancestor's in today's
-- organisation tree (int_unit_kerja__hierarki); a unit with neither works the default five-day
-- week with national holidays only. `kalender` keys int_kalender__hari (macro kunci_kalender).
-- The attendance models read it when they build a day, so a changed row applies to the days
-- built from the next night on, not to days already judged.

with tree as (

    select * from {{ ref('int_unit_kerja__hierarki') }}

),

unit_patterns as (

    select * from {{ ref('pola_kerja_unit') }}

),

unit_regions as (

    select * from {{ ref('wilayah_unit') }}

),

nearest_pattern as (

    {{ terdekat_di_pohon('tree', 'unit_patterns', 'pola_kerja') }}

),

nearest_region as (

    {{ terdekat_di_pohon('tree', 'unit_regions', 'kode_wilayah') }}

),

units as (

    select distinct kode_unit
    from tree

),

resolved as (

    select
        units.kode_unit,
        coalesce(nearest_pattern.pola_kerja, {{ pola_kerja_bawaan() }}) as pola_kerja,
        coalesce(nearest_region.kode_wilayah, '*') as kode_wilayah
    from units
    left join nearest_pattern
        on units.kode_unit = nearest_pattern.kode_unit
        and nearest_pattern.nearness = 1
    left join nearest_region
        on units.kode_unit = nearest_region.kode_unit
        and nearest_region.nearness = 1

)

select
    kode_unit,
    pola_kerja,
    kode_wilayah,
    {{ kunci_kalender('pola_kerja', 'kode_wilayah') }} as kalender
from resolved
