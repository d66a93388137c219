-- One row per reconciled sick-leave spell: the days its graded pieces cover. A
-- register spell is its own one piece; a certificate episode that overlaps no
-- register spell spans its certificates, which chain without a gap. Which sick
-- leave counts (the register prevails, var use_certificates) is decided once, in
-- int_sick_leave_graded_pieces.

with

pieces as (

    select * from {{ ref('int_sick_leave_graded_pieces') }}

),

final as (

    select
        person_id,
        spell_id,
        min(fom_date) as fom_date,
        max(tom_date) as tom_date,
        source
    from pieces
    group by person_id, spell_id, source

)

select * from final
