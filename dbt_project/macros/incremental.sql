{#- The earliest day whose attendance can differ because of raw rows loaded after `watermark` (a
    timestamp in the loader's clock, usually the newest `_dimuat_pada` of the model being built),
    or 9999-12-31 when nothing relevant was loaded. The loader stamps every batch of a load run
    with the run's one time, so what a night loaded after its punches is not "after" them. Every
    incremental model that follows the attendance history rebuilds from here on (or the periods
    holding this day), so a late punch of an old day, a re-delivered employee snapshot and a
    changed leave decision all reach the rows they change. `sumber` picks the inputs the model
    depends on:
    - presensi: a punch changes its written day, or the day before in local time (zones);
    - pegawai: a snapshot changes every day from its date on (the validity intervals of
      int_pegawai__riwayat); an employee's first snapshot also holds for earlier days, from the
      day after the snapshot before it (but nobody is expected at work before their TMT CPNS);
      the agency's first snapshot holds for every earlier day, and a snapshot older than one
      already delivered moves whose first row holds from when, so those change from the start
      and from the day after the snapshot before them;
    - izin: a leave or permit version changes the days it covers;
    - hukdis: a disciplinary sanction changes the months from its TMT on (the tukin cut).
    - jadwal: a roster entry (extract jadwal_shift) changes its day for a SHIFT unit's employee.
    Changes to seeds (calendar, working hours, rules) are not tracked: they need --full-refresh. -#}
{% macro hari_pertama_berubah(watermark, sumber=['presensi', 'pegawai', 'izin', 'jadwal']) -%}
    least(
        cast('9999-12-31' as date)
        {%- if 'presensi' in sumber %},
        coalesce(
            (
                select {{ add_days('min(cast(waktu_tertulis as date))', -1) }}
                from {{ relasi('stg_presensi__punches') }}
                where _loaded_at > {{ watermark }}
            ),
            cast('9999-12-31' as date)
        )
        {%- endif %}
        {%- if 'pegawai' in sumber %},
        coalesce(
            (
                -- a join with each employee's first snapshot, not a correlated NOT EXISTS: in a
                -- select list PostgreSQL runs that once per delivered row, each a scan of the
                -- history (hours for a day of 1 M employees)
                select min(
                    case
                        when snapshot_dates.sebelumnya is null then cast('1900-01-01' as date)
                        when snapshot_dates.berikutnya is not null
                            then {{ add_days('snapshot_dates.sebelumnya', 1) }}
                        when delivered._extraction_date > firsts.tanggal_snapshot_pertama
                            then delivered._extraction_date
                        else least(
                            delivered._extraction_date,
                            greatest(
                                {{ add_days('snapshot_dates.sebelumnya', 1) }},
                                coalesce(delivered.tmt_cpns, cast('1900-01-01' as date))
                            )
                        )
                    end
                )
                from {{ relasi('stg_simpeg__pegawai_dimuat') }} as delivered
                inner join (
                    select nip, min(_extraction_date) as tanggal_snapshot_pertama
                    from {{ relasi('stg_simpeg__pegawai_dimuat') }}
                    group by nip
                ) as firsts
                    on delivered.nip = firsts.nip
                inner join (
                    select
                        _extraction_date,
                        lag(_extraction_date) over (order by _extraction_date) as sebelumnya,
                        lead(_extraction_date) over (order by _extraction_date) as berikutnya
                    from (
                        select distinct _extraction_date
                        from {{ relasi('stg_simpeg__pegawai_dimuat') }}
                    ) as delivered_dates
                ) as snapshot_dates
                    on delivered._extraction_date = snapshot_dates._extraction_date
                where delivered._loaded_at > {{ watermark }}
            ),
            cast('9999-12-31' as date)
        )
        {%- endif %}
        {%- if 'izin' in sumber %},
        coalesce(
            (
                select min(tanggal_mulai)
                from {{ relasi('stg_simpeg__izin_versi') }}
                where _loaded_at > {{ watermark }}
            ),
            cast('9999-12-31' as date)
        )
        {%- endif %}
        {%- if 'jadwal' in sumber %},
        coalesce(
            (
                select min(tanggal)
                from {{ relasi('stg_simpeg__jadwal_shift') }}
                where _loaded_at > {{ watermark }}
            ),
            cast('9999-12-31' as date)
        )
        {%- endif %}
        {%- if 'hukdis' in sumber %},
        coalesce(
            (
                select min(tmt_mulai)
                from {{ relasi('stg_simpeg__hukuman_disiplin') }}
                where _loaded_at > {{ watermark }}
            ),
            cast('9999-12-31' as date)
        )
        {%- endif %}
    )
{%- endmacro %}



{#- The first day a period-keyed incremental model (years, months, quarters of attendance) must
    rebuild from: the earliest day its inputs changed for since its last run (its own
    `_dimuat_pada` watermark), or the lookback window before the newest attendance day, whichever
    is earlier. The model rebuilds every period that ends on or after this day, whole
    (delete+insert keyed by the period). -#}
{% macro hari_pertama_dibangun_ulang(sumber=['presensi', 'pegawai', 'izin', 'jadwal']) -%}
    least(
        {{ hari_pertama_berubah('(select max(_dimuat_pada) from ' ~ this ~ ')', sumber) }},
        coalesce(
            (
                select {{ add_days('max(tanggal)', -1 * var('presensi_lookback_hari')) }}
                from {{ relasi('int_presensi__harian') }}
            ),
            cast('1900-01-01' as date)
        )
    )
{%- endmacro %}



{#- The first day of the first `periode` ('year', 'month') a model keyed by years or months
    rebuilds: the start of the period holding hari_pertama_dibangun_ulang. A scalar subquery. -#}
{% macro awal_periode_dibangun_ulang(periode, sumber=['presensi', 'pegawai', 'izin', 'jadwal']) -%}
    (
        select cast({{ dbt.date_trunc(periode, 'cast(first_day as timestamp)') }} as date)
        from (select {{ hari_pertama_dibangun_ulang(sumber) }} as first_day) as rebuild
    )
{%- endmacro %}



{#- Whether a quarter (a row of int_periode__kuartal) is built in this incremental run of a
    model keyed by periode_id: a quarter the model does not hold yet, or one ending on or after
    the first day to rebuild (macro hari_pertama_dibangun_ulang). The quarter models rebuild such
    a quarter whole. -#}
{% macro kuartal_dibangun_ulang() -%}
    (tanggal_akhir_periode >= (select {{ hari_pertama_dibangun_ulang() }})
        or periode_id not in (select periode_id from {{ this }}))
{%- endmacro %}



{#- The days an employee-day model (int_presensi__pegawai_hari, fct_presensi_harian, incremental
    by tanggal) builds, from the covered days (`int_presensi__hari_tercakup`: tanggal,
    _dimuat_pada): all of them on a first run; afterwards the last `presensi_lookback_hari` days
    of the model, every day from the first one an employee snapshot loaded since changes (macro
    hari_pertama_berubah), every day whose presensi was loaded since (a late punch, a backfilled
    day) and every day a leave record loaded since covers. The watermark is the model's own
    newest `_dimuat_pada`, and every day a roster entry loaded since is for. Emits the CTEs up to "days_to_build as (...)"; the model's CTE list
    goes on after it. -#}
{% macro hari_presensi_dibangun() %}
covered_days as (

    select * from {{ ref('int_presensi__hari_tercakup') }}

),

{% if is_incremental() %}
already_built as (

    select
        max(tanggal) as last_day,
        max(_dimuat_pada) as loaded_until
    from {{ this }}

),

snapshot_changed_from as (

    -- employee snapshots loaded since change who is expected, and in which unit, from here on
    select {{ hari_pertama_berubah('(select loaded_until from already_built)', ['pegawai']) }} as first_day

),

leave_loaded_since as (

    select leave_records.tanggal_mulai, leave_records.tanggal_selesai
    from {{ relasi('stg_simpeg__izin') }} as leave_records
    cross join already_built
    where leave_records._loaded_at > already_built.loaded_until

),

roster_loaded_since as (

    select rosters.tanggal
    from {{ relasi('stg_simpeg__jadwal_shift') }} as rosters
    cross join already_built
    where rosters._loaded_at > already_built.loaded_until

),
{% endif %}

days_to_build as (

    select covered_days.tanggal, covered_days._dimuat_pada
    from covered_days
    {% if is_incremental() %}
    cross join already_built
    cross join snapshot_changed_from
    where already_built.last_day is null
       or covered_days.tanggal >= {{ add_days('already_built.last_day', -1 * var('presensi_lookback_hari')) }}
       or covered_days.tanggal >= snapshot_changed_from.first_day
       or covered_days._dimuat_pada > already_built.loaded_until
       or exists (
            select 1
            from leave_loaded_since
            where covered_days.tanggal between leave_loaded_since.tanggal_mulai and leave_loaded_since.tanggal_selesai
        )
       or covered_days.tanggal in (select tanggal from roster_loaded_since)
    {% endif %}

)
{%- endmacro %}



{#- A model's relation read without ref(): the window macros run only inside is_incremental(),
    where a ref would need a `-- depends_on` hint, and that hint would make every unit test of
    the model supply these inputs. Each of them is upstream of its callers anyway (the staging
    views through the attendance models), so the run order is unchanged. -#}
{% macro relasi(model_name) -%}
    {{ graph.nodes['model.' ~ project_name ~ '.' ~ model_name].relation_name }}
{%- endmacro %}



{#- The attendance warnings (int_peringatan__*, mart_peringatan_presensi) rebuild the days from
    `awal` of int_peringatan__jendela on, computed once a night for all of them. A model deletes
    its rows of the window before its build (macro hapus_jendela_peringatan, a pre-hook in the
    build's transaction) and appends what it computes for the window: a finding that no longer
    holds (a leave cancelled, a punch corrected) disappears with its day, where delete+insert by
    key would keep it, its key being absent from the new rows. `geser_hari` widens the window
    for a rule whose day reads the days around it. -#}
{% macro awal_jendela_peringatan(geser_hari=0) -%}
    (select {{ add_days('awal', geser_hari) }} from {{ relasi('int_peringatan__jendela') }})
{%- endmacro %}


{#- The pre-hook: delete this model's rows of the window. A finding without a day (tanggal NULL:
    a pair- or employee-level pattern of mart_peringatan_presensi) is not day-level: all of them
    are deleted and rebuilt. -#}
{% macro hapus_jendela_peringatan(geser_hari=0) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where tanggal is null or tanggal >= {{ awal_jendela_peringatan(geser_hari) }}
    {%- endif -%}
{%- endmacro %}


{#- The config of every warning model: append what is computed for the window, after the pre-hook
    deleted the window's rows. The two go together (appending without the delete doubles the
    window's findings), so they are set in this one place. -#}
{% macro config_jendela_peringatan(geser_hari=0) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook='{{ hapus_jendela_peringatan(' ~ geser_hari ~ ') }}',
    ) }}
{%- endmacro %}
