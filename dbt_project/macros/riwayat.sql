{#- The first day a snapshot row of a history holds (berlaku_mulai): its snapshot date, except
    that a record's (`key`'s) earliest row also holds for every earlier day, as no older record
    exists. -#}
{% macro berlaku_mulai(tanggal_snapshot, key) -%}
    case
        when {{ tanggal_snapshot }} = min({{ tanggal_snapshot }}) over (partition by {{ key }})
            then cast('1900-01-01' as date)
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
