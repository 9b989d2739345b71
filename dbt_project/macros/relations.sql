{#- Whether a relation (a source the loader creates on its first load) exists yet. At parse time
    nothing is queried, so the answer is false there; models use it to stay empty, not broken,
    before the first load. -#}
{% macro relation_exists(relation) %}
    {{- return(execute and adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) is not none) -}}
{% endmacro %}
