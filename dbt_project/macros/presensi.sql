{#- The status of an employee's working day (presensi harian), in one place for the employee-day
    (int_presensi__pegawai_hari, newest leave decisions) and the ML features (leave decisions as
    known at a quarter's end): an approved leave or permit gives its status; otherwise the
    punches decide (late before early leave); no punch is TANPA_KETERANGAN (absent without
    valid reason). -#}
{% macro status_presensi_hari(leave_status, jumlah_punch, menit_terlambat, menit_pulang_cepat) -%}
    case
        when {{ leave_status }} is not null then {{ leave_status }}
        when {{ jumlah_punch }} > 0 and {{ menit_terlambat }} > 0 then 'TERLAMBAT'
        when {{ jumlah_punch }} > 0 and {{ menit_pulang_cepat }} > 0 then 'PULANG_CEPAT'
        when {{ jumlah_punch }} > 0 then 'HADIR'
        else 'TANPA_KETERANGAN'
    end
{%- endmacro %}


{#- The approved leave or permit that gives an employee's day its status, one row per day of
    `days` (nip, tanggal) it covers: only an approved (DISETUJUI) record of `leaves` (id_izin,
    nip, jenis, tanggal_mulai, tanggal_selesai, status) is a valid reason, and of overlapping
    records the latest-starting wins. `kinds` is seed jenis_izin; `columns` what the caller
    keeps of the record and its kind; `on` a further join condition. For the same two readers
    as above, each with its own leave versions (the newest, or those known at a quarter's end). -#}
{% macro izin_berlaku(days, leaves, kinds, columns, on=none) -%}
    select *
    from (
        select
            {{ days }}.nip,
            {{ days }}.tanggal,
            {{ columns | join(', ') }},
            row_number() over (
                partition by {{ days }}.nip, {{ days }}.tanggal
                order by {{ leaves }}.tanggal_mulai desc, {{ leaves }}.id_izin
            ) as leave_rank
        from {{ days }}
        inner join {{ leaves }}
            on {{ days }}.nip = {{ leaves }}.nip
            and {{ days }}.tanggal between {{ leaves }}.tanggal_mulai and {{ leaves }}.tanggal_selesai
            {%- if on %}
            and {{ on }}
            {%- endif %}
        inner join {{ kinds }}
            on {{ leaves }}.jenis = {{ kinds }}.jenis
        where {{ leaves }}.status = 'DISETUJUI'
    ) as ranked
    where leave_rank = 1
{%- endmacro %}


{#- Whether an employee's working day is judged at all: on a day the employee's unit delivered
    (a punch of one of its employees that local day) always; otherwise only with a known status,
    an approved leave or permit or the employee's own punches. A missing upload must never count
    as absence without valid reason. In one place for the same two readers as above. -#}
{% macro hari_dinilai(unit_tercakup, leave_status, jumlah_punch) -%}
    ({{ unit_tercakup }} or {{ leave_status }} is not null or {{ jumlah_punch }} > 0)
{%- endmacro %}


{#- The `rebuild` CTE of an incremental attendance model keyed by day, holding `first_day`: the
    earliest day the inputs changed for since the model's last run (macro hari_pertama_berubah:
    punches and employee snapshots loaded since) or the lookback window, whichever is earlier.
    Shared so that every model built from punches rebuilds the same days. Emits
    "rebuild as (...)"; only valid when is_incremental(). -#}
{% macro rebuild_days() %}
rebuild as (

    select least(
        {{ hari_pertama_berubah('(select max(_dimuat_pada) from ' ~ this ~ ')', ['presensi', 'pegawai', 'jadwal']) }},
        coalesce(
            (select {{ add_days('max(tanggal)', -1 * var('presensi_lookback_hari')) }} from {{ this }}),
            cast('1900-01-01' as date)
        )
    ) as first_day

)
{%- endmacro %}


{#- The raw punches an incremental attendance model rebuilds from: `rebuild` (macro rebuild_days)
    and a `punches` CTE reading only raw rows extracted from `first_day` - 1 on (a punch is
    delivered on or after its day). Emits "rebuild as (...), punches as (...)". -#}
{% macro incremental_punches() %}
{% if is_incremental() %}
{{ rebuild_days() }},
{% endif %}

punches as (

    select * from {{ ref('stg_presensi__punches') }}
    {% if is_incremental() %}
    where _extraction_date >= (select {{ add_days('first_day', -1) }} from rebuild)
    {% endif %}

)
{%- endmacro %}
