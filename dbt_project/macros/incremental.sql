{#- The earliest day whose attendance can differ because of raw rows loaded after `watermark` (a
    timestamp in the loader's clock, usually the newest `_dimuat_pada` of the model being built),
    or 9999-12-31 when nothing relevant was loaded. Every incremental model that follows the
    attendance history rebuilds from here on (or the periods holding this day), so a late punch
    of an old day, a re-delivered employee snapshot and a changed leave decision all reach the
    rows they change. `sumber` picks the inputs the model depends on:
    - presensi: a punch changes its written day, or the day before in local time (zones);
    - pegawai: a snapshot changes every day from its date on (the validity intervals of
      int_pegawai__riwayat); an employee's first snapshot also holds for every earlier day, so
      then from the employee's TMT CPNS (before it nobody is expected at work), or from the
      start when it is unknown;
    - izin: a leave or permit version changes the days it covers.
    Changes to seeds (calendar, working hours, rules) are not tracked: they need --full-refresh. -#}
{% macro hari_pertama_berubah(watermark, sumber=['presensi', 'pegawai', 'izin']) -%}
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
                select min(
                    case
                        when not exists (
                            select 1
                            from {{ relasi('stg_simpeg__pegawai_riwayat') }} as earlier
                            where earlier.nip = delivered.nip
                              and earlier.tanggal_snapshot < delivered.tanggal_snapshot
                        )
                            then least(
                                delivered.tanggal_snapshot,
                                coalesce(delivered.tmt_cpns, cast('1900-01-01' as date))
                            )
                        else delivered.tanggal_snapshot
                    end
                )
                from {{ relasi('stg_simpeg__pegawai_riwayat') }} as delivered
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
    )
{%- endmacro %}



{#- The first day a period-keyed incremental model (years, months, quarters of attendance) must
    rebuild from: the earliest day its inputs changed for since its last run (its own
    `_dimuat_pada` watermark), or the lookback window before the newest attendance day, whichever
    is earlier. The model rebuilds every period that ends on or after this day, whole
    (delete+insert keyed by the period). -#}
{% macro hari_pertama_dibangun_ulang() -%}
    least(
        {{ hari_pertama_berubah('(select max(_dimuat_pada) from ' ~ this ~ ')') }},
        coalesce(
            (
                select {{ add_days('max(tanggal)', -1 * var('presensi_lookback_hari')) }}
                from {{ relasi('int_presensi__harian') }}
            ),
            cast('1900-01-01' as date)
        )
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


{#- The pre-hook: delete this model's rows of the window. Rows of other patterns than
    `pola_per_hari` (when given) are not day-level: they are all deleted and rebuilt. -#}
{% macro hapus_jendela_peringatan(geser_hari=0, pola_per_hari=none) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where {% if pola_per_hari %}pola not in ('{{ pola_per_hari | join("', '") }}') or {% endif -%}
        tanggal >= {{ awal_jendela_peringatan(geser_hari) }}
    {%- endif -%}
{%- endmacro %}
