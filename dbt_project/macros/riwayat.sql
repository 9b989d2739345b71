{#- The first day a snapshot row of a history holds (berlaku_mulai): its snapshot date, except
    for a record's (`key`'s) earliest row, which also holds for earlier days, as no older record
    exists: for every earlier day, or, when `tanggal_snapshot_sebelumnya` (the date of the
    delivered snapshot before this row's) is given and not null, from the day after it. That is
    for full snapshots of everyone (pegawai): a record absent from the snapshot before was not
    there then, so a transfer in or a new hire first listed months into the history is not
    taken to have been there all along. `tercatat_sebelumnya` says that the record has a row
    older than every row the query reads (an incremental build reading the newest snapshots). -#}
{% macro berlaku_mulai(tanggal_snapshot, key, tanggal_snapshot_sebelumnya=none, tercatat_sebelumnya='false') -%}
    case
        when {{ tanggal_snapshot }} = min({{ tanggal_snapshot }}) over (partition by {{ key }})
            and not ({{ tercatat_sebelumnya }})
            then {% if tanggal_snapshot_sebelumnya -%}
                coalesce({{ add_days(tanggal_snapshot_sebelumnya, 1) }}, cast('1900-01-01' as date))
            {%- else -%}
                cast('1900-01-01' as date)
            {%- endif %}
        else {{ tanggal_snapshot }}
    end
{%- endmacro %}


{#- The histories int_pegawai__riwayat and int_unit_kerja__riwayat hold a state over
    [berlaku_mulai, berlaku_sampai): the condition that the row of `riwayat` (a CTE or alias)
    holds on the day `tanggal`. -#}
{% macro berlaku_pada(riwayat, tanggal) -%}
    {{ tanggal }} >= {{ riwayat }}.berlaku_mulai
        and {{ tanggal }} < {{ riwayat }}.berlaku_sampai
{%- endmacro %}


{#- The unit an employee held on a day, as that unit was on that day: `jenis` (inner, left)
    joins of the caller's CTEs employee_history (int_pegawai__riwayat) on `nip` and units
    (int_unit_kerja__riwayat), both valid on `tanggal`. -#}
{% macro join_unit_pada_hari(jenis, nip, tanggal) -%}
    {{ jenis }} join employee_history
        on {{ nip }} = employee_history.nip
        and {{ berlaku_pada('employee_history', tanggal) }}
    {{ jenis }} join units
        on employee_history.kode_unit = units.kode_unit
        and {{ berlaku_pada('units', tanggal) }}
{%- endmacro %}



{#- Where an incremental build over the employee snapshots starts: the earliest snapshot date
    loaded after the model's newest `kolom_dimuat` (a timestamp column of the model), or with
    `sebelumnya` the snapshot delivered before that one (whose rows' validity now ends at it).
    Returned as a date literal, '9999-12-31' when nothing was loaded since: a constant, which both
    engines push through the version window of stg_simpeg__pegawai_riwayat, where a subquery
    ranks every snapshot. Call it only in an incremental run. -#}
{% macro snapshot_pegawai_dibangun_ulang_dari(kolom_dimuat, sebelumnya=false) -%}
    {%- set first_snapshot -%}
        with snapshot_dates as (
            select
                _extraction_date,
                lag(_extraction_date) over (order by _extraction_date) as sebelumnya
            from (select distinct _extraction_date from {{ relasi('stg_simpeg__pegawai_dimuat') }}) as delivered
        )
        select min({{ 'coalesce(sebelumnya, _extraction_date)' if sebelumnya else '_extraction_date' }})
        from snapshot_dates
        where _extraction_date in (
            select _extraction_date
            from {{ relasi('stg_simpeg__pegawai_dimuat') }}
            where _loaded_at > (
                select coalesce(max({{ kolom_dimuat }}), cast('1900-01-01' as timestamp)) from {{ this }}
            )
        )
    {%- endset -%}
    {%- set found = run_query(first_snapshot).columns[0].values()[0] if execute else none -%}
    {{- return("cast('" ~ ((found | string)[:10] if found is not none else '9999-12-31') ~ "' as date)") -}}
{%- endmacro %}
