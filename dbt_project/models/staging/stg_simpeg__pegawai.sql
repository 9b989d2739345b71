-- Employees (pegawai): current state. The latest snapshot is the current state; an employee no
-- longer in it (e.g. retired over a year ago) keeps the last delivered state, flagged, so that
-- historical facts still find their employee.

{{ config(
    materialized='incremental',
    unique_key='nip',
    post_hook="{{ tandai_keadaan_lama() }}",
) }}
-- Incremental by employee: a night reads the snapshots from the earliest one loaded since the
-- previous build on and keeps each employee's newest among them (every snapshot lists everyone,
-- so an employee in none of them keeps an older state, which nothing loaded since replaces);
-- the post-hook then clears the flag of whoever the newest snapshot no longer lists.
{%- set dibangun_dari = snapshot_pegawai_dibangun_ulang_dari('_dimuat_pada') if is_incremental() else none %}

with snapshots as (

    select * from {{ ref('stg_simpeg__pegawai_riwayat') }}
    {%- if dibangun_dari %}
    where tanggal_snapshot >= {{ dibangun_dari }}
    {%- endif %}

),

current_state as (

    {{ keadaan_terakhir('snapshots', 'nip') }}

)

select
    current_state.*,
    -- the newest load this build read, though its row may not be current (an older snapshot
    -- re-delivered): the next build reads what was loaded after it (the same on every row)
    (select max(_loaded_at) from snapshots) as _dimuat_pada
from current_state
