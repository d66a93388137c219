-- Every quarantined raw row: which file and line, why (reason and, for a parse
-- error, the column), and the raw line as delivered. One row per quarantined
-- line. Exact duplicates are not here: they are removed and counted in
-- dq_source_rows.

with

quarantined as (

    select
        'participants' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_participants__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'aa_arbeidsforhold' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_aa_arbeidsforhold__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'ytelser' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_ytelser__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'sykepenger' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_sykepenger__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'sykmeldinger' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_sykmeldinger__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'sosialhjelp' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_sosialhjelp__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'tiltak' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_tiltak__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'utdanning' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_utdanning__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'utdanning_forlop' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_utdanning_forlop__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'inntekt' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_inntekt__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'npr' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_npr__checked') }}
    where row_status = 'quarantined'

    union all

    select
        'coverage' as source,
        source_line,
        reason,
        column_name,
        raw_line
    from {{ ref('stg_coverage__checked') }}
    where row_status = 'quarantined'

),

final as (

    select
        source,
        source_line,
        reason,
        column_name,
        raw_line
    from quarantined

)

select * from final
