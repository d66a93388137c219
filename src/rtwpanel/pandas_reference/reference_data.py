"""Reference data from the delivery contract: codes and what they mean."""

from __future__ import annotations

# Benefit code -> the panel status it sets (the three old codes are AAP's predecessors).
YTELSE_STATUS: dict[str, str] = {
    "AAP": "on_aap",
    "REHABILITERINGSPENGER": "on_aap",
    "ATTFORINGSPENGER": "on_aap",
    "TIDSBEGR_UFORESTONAD": "on_aap",
    "UFOREPENSJON": "on_disability",
    "UFORETRYGD": "on_disability",
    "DAGPENGER": "on_unemployment_benefit",
}

TILTAKSKODER: frozenset[str] = frozenset(
    {
        "ABIST",
        "APS",
        "PRAKSORD",
        "ARBFORB",
        "AVKLARAG",
        "INDOPPFAG",
        "GRUPPEAMO",
        "GRUFAGYRKE",
        "LONNTILS",
        "VASV",
        "INDJOBSTOT",
    }
)

KONTAKTTYPER: frozenset[str] = frozenset(
    {"avtalespesialist", "bup", "phv_poli", "phv_dag", "phv_dogn"}
)

AA_TYPES: frozenset[str] = frozenset({"ordinaert", "maritimt", "frilanser", "forenklet"})
AA_COUNTED_TYPES: tuple[str, ...] = ("ordinaert", "maritimt")
AA_STIPULATION_LAG_MONTHS = 3

# First digit of NUS2000 -> education level; 9 (unknown) has no level.
NUS_LEVELS: dict[str, str] = {
    "0": "grunnskole",
    "1": "grunnskole",
    "2": "grunnskole",
    "3": "vgs_grunn",
    "4": "vgs_fullfort",
    "5": "vgs_fullfort",
    "6": "hoyere",
    "7": "hoyere",
    "8": "hoyere",
}

DELTAKERSTATUSER: frozenset[str] = frozenset({"GJENN", "FULLF", "AVBRUTT", "IKKEM"})
# Participation statuses that are not participation.
TILTAK_NOT_PARTICIPATING: frozenset[str] = frozenset({"IKKEM"})

ARMS: frozenset[str] = frozenset({"IPS", "TAU"})
SEXES: frozenset[str] = frozenset({"K", "M"})
DIAGNOSIS_GROUPS: frozenset[str] = frozenset({"severe", "moderate"})
SOURCES: frozenset[str] = frozenset(
    {
        "aa_arbeidsforhold",
        "ytelser",
        "sykepenger",
        "sykmeldinger",
        "sosialhjelp",
        "tiltak",
        "utdanning",
        "utdanning_forlop",
        "inntekt",
        "npr",
    }
)
