-- One row per person and month with specialist mental-health care: contacts that
-- start in the month by contact type, and inpatient days of phv_dogn stays in the
-- month. An inpatient day is a night in hospital (liggedøgn): the days from inn_date
-- up to the day before ut_date, so the discharge day does not count and a stay
-- from 30 January to 2 February gives 2 days in January and 1 in February.

with

contacts as (

    select * from {{ ref('stg_npr') }}

),

spine as (

    select * from {{ ref('int_month_spine') }}

),

starts as (

    select
        contacts.person_id,
        spine.month,
        case when contacts.kontakttype = 'avtalespesialist' then 1 else 0 end
            as npr_avtalespesialist,
        case when contacts.kontakttype = 'bup' then 1 else 0 end as npr_bup,
        case when contacts.kontakttype = 'phv_poli' then 1 else 0 end as npr_phv_poli,
        case when contacts.kontakttype = 'phv_dag' then 1 else 0 end as npr_phv_dag,
        0 as npr_phv_dogn_days
    from contacts
    -- the month of inn_date: an equality join, not a range join over the spine
    inner join spine
        on {{ month_start('contacts.inn_date') }} = spine.month
    where contacts.kontakttype <> 'phv_dogn'

),

inpatient as (

    -- nights from the later of inn_date and the month start to the earlier of
    -- ut_date and the next month's first day
    select
        contacts.person_id,
        spine.month,
        0 as npr_avtalespesialist,
        0 as npr_bup,
        0 as npr_phv_poli,
        0 as npr_phv_dag,
        {{ days_between(
            'case when contacts.inn_date > spine.month then contacts.inn_date else spine.month end',
            'case when contacts.ut_date <= spine.month_end then contacts.ut_date else '
                ~ add_days('spine.month_end', 1) ~ ' end'
        ) }} as npr_phv_dogn_days
    from contacts
    inner join spine
        on
            contacts.inn_date <= spine.month_end
            and contacts.ut_date > spine.month
    where contacts.kontakttype = 'phv_dogn'

),

combined as (

    select * from starts
    union all
    select * from inpatient

),

final as (

    select
        person_id,
        month,
        cast(sum(npr_avtalespesialist) as {{ dbt.type_int() }}) as npr_avtalespesialist,
        cast(sum(npr_bup) as {{ dbt.type_int() }}) as npr_bup,
        cast(sum(npr_phv_poli) as {{ dbt.type_int() }}) as npr_phv_poli,
        cast(sum(npr_phv_dag) as {{ dbt.type_int() }}) as npr_phv_dag,
        cast(sum(npr_phv_dogn_days) as {{ dbt.type_int() }}) as npr_phv_dogn_days
    from combined
    group by person_id, month

)

select * from final
