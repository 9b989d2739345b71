{#- Versions of a record. Incremental extracts deliver a record again whenever it changes, snapshot
    extracts deliver every record on every delivery: staging keeps one row per version and
    decides which is newest here, in one way for every extract. -#}

{#- The loader's delivery order of raw rows, oldest first: a later extraction date, then a later
    load, then a later line of the file. It breaks every tie between versions. -#}
{% macro urutan_pengiriman() -%}
    {{ return(['_extraction_date', '_loaded_at', '_row_number']) }}
{%- endmacro %}


{#- A version's place in its record's version order, 1 = oldest: the expressions `newer_by` (most
    significant first; a greater value is newer) decide, then the delivery order. -#}
{% macro urutan_versi(key, newer_by=[]) -%}
    row_number() over (
        partition by {{ key }}
        order by {{ (newer_by + urutan_pengiriman()) | join(', ') }}
    )
{%- endmacro %}


{#- The newest version of every record of `versions` (a relation or CTE): the row ranked first per
    `key` when ordered newest first by `newest_by`, the delivery order unless given. The rank
    stays in the result (urutan_dari_terbaru = 1): the caller selects its columns. -#}
{% macro versi_terbaru(versions, key, newest_by=none) -%}
    {%- set newest_by = newest_by or urutan_pengiriman() -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key }}
                order by {{ newest_by | join(' desc, ') }} desc
            ) as urutan_dari_terbaru
        from {{ versions }}
    ) as ranked_versions
    where urutan_dari_terbaru = 1
{%- endmacro %}


{#- The current state of every record of a snapshot history (one row per `key` and
    tanggal_snapshot): its latest delivered row, every column of it, and
    dalam_snapshot_terakhir, whether the latest delivery still holds it. A record missing from
    the latest delivery (a retired employee, a dissolved unit) keeps its last known state, so
    older facts still find it. -#}
{% macro keadaan_terakhir(snapshots, key) -%}
    select
        {{ snapshots }}.*,
        {{ snapshots }}.tanggal_snapshot = (
            select max(tanggal_snapshot) from {{ snapshots }}
        ) as dalam_snapshot_terakhir
    from {{ snapshots }}
    inner join (
        select {{ key }}, max(tanggal_snapshot) as tanggal_snapshot
        from {{ snapshots }}
        group by {{ key }}
    ) as latest
        on {{ snapshots }}.{{ key }} = latest.{{ key }}
        and {{ snapshots }}.tanggal_snapshot = latest.tanggal_snapshot
{%- endmacro %}


{#- The post-hook of an incremental current state built by keadaan_terakhir with a
    `_dimuat_pada` watermark: a row this build did not replace belongs to no snapshot it read,
    so not to the newest one; it takes the build's watermark, as a full rebuild would give it. -#}
{% macro tandai_keadaan_lama() -%}
    {%- if is_incremental() %}
    update {{ this }}
    set dalam_snapshot_terakhir = false,
        _dimuat_pada = (select max(_dimuat_pada) from {{ this }})
    where _dimuat_pada < (select max(_dimuat_pada) from {{ this }})
    {%- endif -%}
{%- endmacro %}


{#- Staging's typed columns of an extract whose source writes when it changed a record: the
    written diperbarui_pada as its wall clock and offset (to be ordered by
    kolom_versi_diperbarui), then the loader's delivery columns (urutan_pengiriman). -#}
{% macro kolom_diperbarui_tertulis() -%}
    {{ iso_wall_clock('diperbarui_pada') }} as diperbarui_pada_tertulis,
        {{ iso_offset_minutes('diperbarui_pada') }} as offset_menit_tertulis,
        {{ urutan_pengiriman() | join(',\n        ') }}
{%- endmacro %}


{#- The version columns of an extract whose source writes when it changed a record
    (diperbarui_pada, typed in staging as diperbarui_pada_tertulis, the writer's wall clock, and
    offset_menit_tertulis): the instant in UTC when an offset was written; diketahui_pada, the
    day the version became known (the written date, else the delivery date); urutan_versi, a
    later written time being newer. Versions of one record come from one source system, so an
    offset-less time compares consistently with its siblings even without knowing the zone.
    Then the delivery columns. -#}
{% macro kolom_versi_diperbarui(key) -%}
    case
        when offset_menit_tertulis is not null
            then {{ to_utc('diperbarui_pada_tertulis', 'offset_menit_tertulis') }}
    end as diperbarui_pada_utc,
    diperbarui_pada_tertulis,
    coalesce(cast(diperbarui_pada_tertulis as date), _extraction_date) as diketahui_pada,
    {{ urutan_versi(key, newer_by=[
        to_utc('diperbarui_pada_tertulis', 'coalesce(offset_menit_tertulis, 0)') ~ ' nulls first'
    ]) }} as urutan_versi,
    _extraction_date,
    _loaded_at
{%- endmacro %}
