{#- The status of an employee's working day (presensi harian), in one place for the HR facts
    (fct_presensi_harian, newest leave decisions) and the ML features (leave decisions as known at
    a quarter's end): an approved leave or permit gives its status; otherwise the punches decide
    (late before early leave); no punch is TANPA_KETERANGAN (absent without valid reason). -#}
{% macro status_presensi_hari(leave_status, jumlah_punch, menit_terlambat, menit_pulang_cepat) -%}
    case
        when {{ leave_status }} is not null then {{ leave_status }}
        when {{ jumlah_punch }} > 0 and {{ menit_terlambat }} > 0 then 'TERLAMBAT'
        when {{ jumlah_punch }} > 0 and {{ menit_pulang_cepat }} > 0 then 'PULANG_CEPAT'
        when {{ jumlah_punch }} > 0 then 'HADIR'
        else 'TANPA_KETERANGAN'
    end
{%- endmacro %}
