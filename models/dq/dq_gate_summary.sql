-- One row per quality gate (and per source for the per-source gates): what was
-- checked, the count behind it, the observed value, the threshold (dbt variables)
-- and the status. A gate trips when the observed value exceeds its threshold; it
-- then fails when its severity is `error` and warns when it is `warn`.
-- Critical gates (threshold 0, severity error) are invariants: any count fails.

-- The gates are listed once, in the gate manifest (macro quality_gates): each
-- gate's two counts are aggregates of a model, joined on the scope.
-- The Jinja loops below write one block per gate; the indentation rule
-- cannot see their layout, so it is off here.
-- noqa: disable=LT02

{%- set gates = quality_gates() %}
{%- set models = [] %}
{%- for gate in gates %}
    {%- for model, _ in [gate.flagged, gate.checked] %}
        {%- if model not in models %}{% do models.append(model) %}{% endif %}
    {%- endfor %}
{%- endfor %}

with

{%- for model in models %}

{{ model }} as (

    select * from {{ ref(model) }}

),
{%- endfor %}

{%- for gate in gates %}
{%- for part in ['flagged', 'checked'] %}

{{ gate.gate }}__{{ part }} as (

    select
        {{ gate.scope_column if gate.scope_column else "'" ~ gate.scope ~ "'" }} as scope,
        -- nothing to count is 0, not NULL (a model may be empty)
        coalesce({{ gate[part][1] }}, 0) as n_{{ part }}
    from {{ gate[part][0] }}
    {%- if gate.scope_column %}
    group by {{ gate.scope_column }}
    {%- endif %}

),
{%- endfor %}
{%- endfor %}

gates as (

    {%- for gate in gates %}
    select
        '{{ gate.gate }}' as gate,
        '{{ gate.measure }}' as measure,
        flagged.scope,
        '{{ gate.description }}' as description,
        flagged.n_flagged,
        checked.n_checked,
        {{ var(gate.threshold) if gate.threshold else 0 }} as threshold,
        '{{ var(gate.severity) if gate.severity else "error" }}' as severity,
        {{ loop.index }} as gate_order
    from {{ gate.gate }}__flagged as flagged
    inner join {{ gate.gate }}__checked as checked on flagged.scope = checked.scope
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

observed as (

    select
        gate,
        scope,
        description,
        measure,
        cast(coalesce(n_flagged, 0) as {{ dbt.type_bigint() }}) as n_flagged,
        cast(coalesce(n_checked, 0) as {{ dbt.type_bigint() }}) as n_checked,
        case
            -- share gates report a share, critical gates the count itself
            when measure = 'count' then cast(coalesce(n_flagged, 0) as double)
            when coalesce(n_checked, 0) = 0 then 0.0
            else cast(n_flagged as double) / n_checked
        end as observed_value,
        cast(threshold as double) as threshold,
        severity,
        gate_order
    from gates

),

final as (

    select
        gate,
        scope,
        description,
        measure,
        n_flagged,
        n_checked,
        observed_value,
        threshold,
        severity,
        case
            when observed_value <= threshold then 'pass'
            when severity = 'error' then 'fail'
            else 'warn'
        end as status,
        gate_order
    from observed

)

select * from final
