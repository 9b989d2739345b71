-- The organisation tree as a closure: one row per unit and each of its ancestors, itself
-- included (jarak 0), so that a figure summed over descendants is one join away. tingkat is
-- the unit's depth (1 at a root). The depth bound stops a cycle in a faulty delivery from
-- recursing forever; such a cycle shows as a unit with tingkat 51.

with recursive units as (

    select kode_unit, kode_unit_induk from {{ ref('stg_simpeg__unit_kerja') }}

),

ancestors (kode_unit, kode_unit_leluhur, jarak) as (

    select kode_unit, kode_unit, 0
    from units

    union all

    select ancestors.kode_unit, units.kode_unit_induk, ancestors.jarak + 1
    from ancestors
    inner join units
        on ancestors.kode_unit_leluhur = units.kode_unit
    where units.kode_unit_induk is not null
      and ancestors.jarak < 50

)

select
    ancestors.kode_unit,
    ancestors.kode_unit_leluhur,
    cast(ancestors.jarak as integer) as jarak,
    cast(max(ancestors.jarak) over (partition by ancestors.kode_unit) + 1 as integer) as tingkat
from ancestors
