"""generate_delivery: a complete synthetic delivery and its truth, chunk by chunk."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa

from rtwpanel.errors import RtwError
from rtwpanel.study import DEFAULT_STUDY, load_study
from rtwpanel.synthetic import (
    benefits,
    employment,
    episode_cohort,
    fmt,
    participation,
    registers,
    rollout_population,
    sick_leave,
    truth,
)
from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.calibration import HORIZONS, MONTHS_BEFORE, Calibration, load_calibration
from rtwpanel.synthetic.cohort import DIAGNOSIS_CODES, Cohort, make_cohort
from rtwpanel.synthetic.defects import inject
from rtwpanel.synthetic.hazards import HazardModel, load_hazard_model
from rtwpanel.synthetic.params import (
    DEFAULT_DEFECT_RATES,
    DEFAULT_SEED,
    TRIAL_PERSONS,
    Params,
)
from rtwpanel.synthetic.rollout_population import RolloutModel, load_rollout_model
from rtwpanel.synthetic.status_paths import simulate
from rtwpanel.synthetic.table import Table
from rtwpanel.synthetic.writer import (
    MANIFEST_HEADER,
    Block,
    SourceFile,
    append_file,
    compress_block,
    gzip_member,
    make_block,
)

SOURCES: dict[str, tuple[str, ...]] = {
    "aa_arbeidsforhold": (
        "person_id", "arbeidsforhold_id", "orgnr", "reg_month", "start_date", "end_date",
        "stillingsprosent", "arbeidsforhold_type",
    ),
    "ytelser": ("person_id", "utbetaling_id", "ytelse", "fom_date", "tom_date", "belop"),
    "sykepenger": ("person_id", "sykefravaer_id", "fom_date", "tom_date", "grad", "diagnose"),
    "sykmeldinger": (
        "person_id", "sykmelding_id", "fom_date", "tom_date", "grad", "diagnose", "utstedt_date",
    ),
    "sosialhjelp": ("person_id", "month", "belop"),
    "tiltak": (
        "person_id", "deltakelse_id", "tiltakskode", "fom_date", "tom_date", "deltakerstatus",
    ),
    "utdanning": ("person_id", "year", "nus2000", "i_utdanning"),
    "utdanning_forlop": ("person_id", "fom_date", "tom_date", "nus2000"),
    "inntekt": ("person_id", "year", "pensjonsgivende_inntekt"),
    "npr": ("person_id", "episode_id", "kontakttype", "inn_date", "ut_date"),
}  # fmt: skip
PARTICIPANT_COLUMNS = (
    "person_id", "centre_id", "arm", "randomised_date", "sex", "birth_year",
    "born_in_norway", "diagnosis_group", "death_date",
)  # fmt: skip
COVERAGE = (
    ("aa_arbeidsforhold", 201001, 201604),
    ("ytelser", 201001, 201604),
    ("sykepenger", 201001, 201604),
    ("sykmeldinger", 201001, 201604),
    ("sosialhjelp", 201001, 201512),
    ("tiltak", 201001, 201604),
    ("utdanning", 201001, 201512),
    ("utdanning_forlop", 201001, 201604),
    ("inntekt", 201001, 201412),
    ("npr", 201001, 201512),
)


@dataclass
class Summary:
    out_dir: Path
    persons: int
    persons_with_register_data: int
    rows: dict[str, int] = field(default_factory=dict)
    defects: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        total = sum(self.rows.values())
        return (
            f"wrote {self.out_dir}: {self.persons:,} persons "
            f"({self.persons_with_register_data:,} with register data), {total:,} register rows "
            f"in {len(self.rows)} files, {self.defects:,} planted defects, "
            f"in {self.seconds:.1f} s"
        )


def person_width(persons: int) -> int:
    """Digits of a person number: participants 1..N, and room above them (first digit 9)
    for persons outside the cohort (unknown_person rows)."""
    return max(7, len(str(persons)) + 2)


@dataclass
class ChunkOutput:
    """Everything one chunk of persons adds to the delivery."""

    size: int
    persons_with_register_data: int
    participants: bytes
    truth: bytes | Path  # a gzip member (or the part file holding it)
    blocks: dict[str, Block]
    realised: dict[tuple[str, int, bool], np.ndarray] | None = None  # (sum, persons)
    episodes: bytes = b""  # truth/episodes.csv rows (a cohort study)
    region_month: np.ndarray | None = None  # a roll-out study's counts (rollout_population)
    target: bytes = b""  # truth/target.csv rows (a roll-out study)


@dataclass(frozen=True)
class ChunkJob:
    params: Params
    index: int
    first: int
    size: int
    width: int
    unknown_first: int  # first number of this chunk's block of unknown persons
    unknown_block: int
    truth_level: int
    raw_gzip_level: int | None = None  # the delivery's own files as .csv.gz
    spill_dir: Path | None = None  # workers leave large parts here as files
    calibration: Calibration | None = None  # a study other than the reference trial
    hazards: HazardModel | None = None  # a cohort study's planted hazard model
    rollout: RolloutModel | None = None  # a roll-out study's population and effect


def _chunk_tables(
    cohort: Cohort,
    params: Params,
    seed_key: tuple[int, ...],
    width: int,
    calibration: Calibration | None = None,
) -> tuple[list[Table], np.ndarray, dict[str, np.ndarray]]:
    """The sound tables of one chunk and its truth (persons with register data)."""

    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([*seed_key, stream])

    keep = np.flatnonzero(cohort.alive)
    full = None
    if calibration is None:
        paths = simulate(rng(1), cohort, params)
    else:
        assert isinstance(cohort, participation.StudyCohort)
        study_paths = participation.simulate(rng(1), cohort, calibration)
        paths, full = study_paths.paths, study_paths.full[keep]
    person = cohort.first + keep
    sub = {name: getattr(paths, name)[keep] for name in paths.__dataclass_fields__}
    rates = params.defect_rates

    aa, emp = employment.build(rng(2), sub["work"], person, width, rates)
    ytelser = benefits.build(
        rng(3), sub["aap"], sub["disability"], sub["unemployment"], person, width
    )
    sykepenger, sykmeldinger, sick, full_days = sick_leave.build(
        rng(4),
        sub["sick"],
        sub["short_absence"],
        person,
        width,
        rates["sick_leave_mismatch"],
        full=full,
    )
    # education: the reference trial's levels, or the study's (drawn with the cohort)
    nus = registers.nus_codes(rng(5), len(keep)) if calibration is None else cohort.nus[keep]
    rel = np.arange(cal.N_MONTHS)[None, :] - cohort.rand_month[keep][:, None]
    npr, npr_truth = registers.npr(rng(6), rel, cohort.birth_year[keep], person, width)
    tables = [
        aa,
        ytelser,
        sykepenger,
        sykmeldinger,
        registers.sosialhjelp(rng(7), sub["social_assistance"], person, width),
        registers.tiltak(rng(8), sub["programme"], person, width),
        registers.utdanning(sub["education_oct"], nus, person, width),
        registers.utdanning_forlop(rng(9), sub["course"], person, width),
        registers.inntekt(
            rng(10),
            sub["aap"],
            sub["unemployment"],
            emp["max_pct"],
            person,
            width,
            params.dynamics,
        ),
        npr,
    ]
    year_of_month = np.minimum(np.arange(cal.N_MONTHS) // 12, len(cal.YEARS) - 1)
    statuses = {
        "employed": emp["employed"],
        "n_jobs": emp["n_jobs"],
        "max_stillingsprosent": emp["max_pct"],
        "sick_listed": sick,
        "on_aap": sub["aap"],
        "on_disability": sub["disability"],
        "on_unemployment_benefit": sub["unemployment"],
        "on_social_assistance": sub["social_assistance"],
        "in_programme": sub["programme"],
        "in_education_oct": sub["education_oct"][:, year_of_month],
        "in_education_course": sub["course"],
        **npr_truth,
    }
    if full_days is not None:
        statuses["sick_leave_full_days"] = full_days
        every_day = full_days >= cal.DAYS_IN_MONTH[None, :]
        statuses["work_participation"] = emp["employed"] & ~every_day
    return tables, person, statuses


def _cohort_chunk_tables(
    persons: Cohort, params: Params, seed_key: tuple[int, ...], width: int, model: HazardModel
) -> tuple[list[Table], np.ndarray, dict[str, np.ndarray], bytes]:
    """The sound tables of one chunk of a cohort study, its truth and its planted
    episodes (truth/episodes.csv rows)."""

    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([*seed_key, stream])

    keep = np.flatnonzero(persons.alive)
    person = persons.first + keep
    nus = registers.nus_codes(rng(5), len(keep))
    paths, episodes, npr_marks = episode_cohort.simulate(rng(1), persons, keep, nus, model)
    rates = params.defect_rates
    aa, emp = employment.build(rng(2), paths.work, person, width, rates)
    ytelser = benefits.build(rng(3), paths.aap, paths.disability, paths.unemployment, person, width)
    sykepenger, sykmeldinger, sick, _ = sick_leave.build(
        rng(4),
        paths.sick,
        paths.short_absence,
        person,
        width,
        rates["sick_leave_mismatch"],
        codes=episode_cohort.CODES,
        codes_p=episode_cohort.CODES_P,
        planted=episode_cohort.spells(rng(11), episodes),
    )
    rel = np.arange(cal.N_MONTHS)[None, :] - persons.rand_month[keep][:, None]
    npr, npr_truth = registers.npr(
        rng(6),
        rel,
        persons.birth_year[keep],
        person,
        width,
        scale=0.05,
        blank=npr_marks["blank"],
        extra_poli=npr_marks["extra"],
    )
    tables = [
        aa,
        ytelser,
        sykepenger,
        sykmeldinger,
        registers.sosialhjelp(rng(7), paths.social_assistance, person, width),
        registers.tiltak(rng(8), paths.programme, person, width),
        registers.utdanning(paths.education_oct, nus, person, width),
        registers.utdanning_forlop(rng(9), paths.course, person, width),
        registers.inntekt(
            rng(10), paths.aap, paths.unemployment, emp["max_pct"], person, width, params.dynamics
        ),
        npr,
    ]
    year_of_month = np.minimum(np.arange(cal.N_MONTHS) // 12, len(cal.YEARS) - 1)
    statuses = {
        "employed": emp["employed"],
        "n_jobs": emp["n_jobs"],
        "max_stillingsprosent": emp["max_pct"],
        "sick_listed": sick,
        "on_aap": paths.aap,
        "on_disability": paths.disability,
        "on_unemployment_benefit": paths.unemployment,
        "on_social_assistance": paths.social_assistance,
        "in_programme": paths.programme,
        "in_education_oct": paths.education_oct[:, year_of_month],
        "in_education_course": paths.course,
        **npr_truth,
    }
    ids = fmt.person_ids(person[episodes.row], width).to_pylist()
    employed = emp["employed"][episodes.row, cal.month_of_day(episodes.fom)]
    return tables, person, statuses, episode_cohort.episode_lines(episodes, ids, employed)


def _realised(
    cohort: Cohort, keep: np.ndarray, statuses: dict[str, np.ndarray], calibration: Calibration
) -> dict[tuple[str, int, bool], np.ndarray]:
    """Work participation h months after randomisation (the month of randomisation is
    0) of the persons observed then, by group ('all' and the subgroup, by months out of
    work in the truth) and arm: (persons participating, persons)."""
    wp = np.asarray(statuses["work_participation"], dtype=bool)
    rand_month = cohort.rand_month[keep]
    treated = cohort.is_ips[keep]
    months_out = participation.months_out_of_work(wp, rand_month)
    groups = {
        "all": np.ones(len(keep), dtype=bool),
        calibration.subgroup: (months_out >= 0) & calibration.in_subgroup(months_out),
    }
    out = {}
    for name, members in groups.items():
        for h in HORIZONS:
            month = rand_month + h
            observed = members & (month < cal.N_MONTHS)
            value = wp[np.arange(len(keep)), np.minimum(month, cal.N_MONTHS - 1)]
            for arm in (True, False):
                chosen = observed & (treated == arm)
                out[(name, h, arm)] = np.array([int(value[chosen].sum()), int(chosen.sum())])
    return out


def _participants(
    cohort: Cohort, width: int, calibration: Calibration | None = None, randomised: bool = True
) -> pa.Array:
    person = cohort.first + np.arange(cohort.size)
    if not randomised:  # a cohort study: no centre, arm or randomisation date
        empty = fmt.labels(np.zeros(cohort.size, dtype=np.int64), ("",))
        return fmt.join_lines(
            [
                fmt.person_ids(person, width),
                empty,
                empty,
                empty,
                fmt.labels(np.where(cohort.female, 0, 1), ("K", "M")),
                fmt.ints(cohort.birth_year),
                fmt.ints(cohort.born_in_norway.astype(np.int64)),
                empty,
                fmt.dates(cohort.death),
            ]
        )
    if calibration is None:
        centre = fmt.ints(cohort.centre)
        arms: tuple[str, ...] = ("IPS", "TAU")
        diagnoses: tuple[str, ...] = DIAGNOSIS_CODES
    else:
        centre = fmt.labels(cohort.centre - 1, calibration.cluster_codes)
        arms = (calibration.treated_code, calibration.control_code)
        diagnoses = calibration.diagnosis_codes
    return fmt.join_lines(
        [
            fmt.person_ids(person, width),
            centre,
            fmt.labels(np.where(cohort.is_ips, 0, 1), arms),
            fmt.dates(cohort.randomised),
            fmt.labels(np.where(cohort.female, 0, 1), ("K", "M")),
            fmt.ints(cohort.birth_year),
            fmt.ints(cohort.born_in_norway.astype(np.int64)),
            fmt.labels(cohort.diagnosis, diagnoses),
            fmt.dates(cohort.death),
        ]
    )


def build_chunk(job: ChunkJob) -> ChunkOutput:
    """One chunk of persons, as bytes per file (runs in a worker process)."""
    params = job.params
    seed_key = (params.seed, job.index)
    trial = params.mode == "trial"
    calibration = job.calibration
    cohort_rng = np.random.default_rng([*seed_key, 0])
    episodes = b""
    rollout = None
    if job.rollout is not None:
        persons = rollout_population.make_persons(cohort_rng, job.first, job.size, job.rollout)
        cohort = persons.cohort
        rollout = rollout_population.chunk_tables(persons, params, seed_key, job.width, job.rollout)
        tables, person, statuses = rollout.tables, rollout.person, rollout.statuses
    elif job.hazards is not None:
        cohort = episode_cohort.make_persons(cohort_rng, job.first, job.size)
        tables, person, statuses, episodes = _cohort_chunk_tables(
            cohort, params, seed_key, job.width, job.hazards
        )
    elif calibration is None:
        cohort = make_cohort(cohort_rng, job.first, job.size, trial)
        tables, person, statuses = _chunk_tables(cohort, params, seed_key, job.width)
    else:
        cohort = participation.make_cohort(cohort_rng, job.first, job.size, trial, calibration)
        tables, person, statuses = _chunk_tables(cohort, params, seed_key, job.width, calibration)
    defect_rng = np.random.default_rng([*seed_key, 99])
    unknown_next = [job.unknown_first]

    def unknown_person_ids(count: int) -> pa.Array:
        first = unknown_next[0]
        if first + count > job.unknown_first + job.unknown_block:
            raise RtwError("too many unknown_person rows for the id range; lower the rate")
        unknown_next[0] += count
        return fmt.person_ids(np.arange(first, first + count) - 1, job.width)

    blocks = {}
    for table in tables:
        inline, tail = inject(table, params.defect_rates, defect_rng, unknown_person_ids)
        blocks[table.source] = make_block(table, inline, tail)
        if job.raw_gzip_level is not None:
            compress_block(blocks[table.source], job.raw_gzip_level)
    extra: tuple[str, ...] = () if calibration is None else truth.PARTICIPATION_COLUMNS
    if rollout is not None:
        extra = ("employed_cf",)
    truth_text = fmt.line_bytes(truth.lines(person, job.width, statuses, extra))
    if job.index == 0:  # the header goes into the first gzip member
        truth_text = (";".join(truth.COLUMNS + extra) + "\n").encode() + truth_text
    randomised = job.hazards is None and job.rollout is None
    participants = bytes(fmt.line_bytes(_participants(cohort, job.width, calibration, randomised)))
    if job.raw_gzip_level is not None:
        participants = gzip_member(participants, job.raw_gzip_level)
    output = ChunkOutput(
        size=job.size,
        persons_with_register_data=len(person),
        participants=participants,
        truth=gzip_member(truth_text, job.truth_level),
        blocks=blocks,
        episodes=episodes,
    )
    if rollout is not None:
        output.region_month = rollout.counts
        output.target = rollout.target_lines
    if calibration is not None:
        output.realised = _realised(cohort, np.flatnonzero(cohort.alive), statuses, calibration)
    if job.spill_dir is not None:
        # hand large parts over as files rather than through a pipe
        for source, block in blocks.items():
            block.body = _spill(job.spill_dir / f"{job.index:06d}.{source}", block.body)
        output.truth = _spill(job.spill_dir / f"{job.index:06d}.truth", output.truth)
    return output


def _spill(path: Path, data: bytes | Path) -> Path:
    assert isinstance(data, bytes)
    path.write_bytes(data)
    return path


def generate_delivery(
    out_dir: str | Path,
    persons: int | None = None,
    seed: int | None = None,
    mode: str = "trial",
    defect_rates: dict[str, float] | None = None,
    compress_truth_level: int | None = None,
    gzip_level: int | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    study: str = DEFAULT_STUDY,
) -> Summary:
    """Write a delivery into ``out_dir`` (created; existing delivery files are replaced).

    ``mode='trial'`` is the reference trial (410 persons unless ``persons`` says
    otherwise is refused); ``mode='population'`` takes any number of persons, written
    in chunks, ``workers`` processes at a time (default: the CPUs, at most 2; the
    output does not depend on it). ``progress(n)`` is called with the persons done
    after each chunk. ``gzip_level`` (1-9) writes the participants and register
    files as ``name.csv.gz``: the same lines, about a sixth of the disk.

    ``study`` names a study file (studies/<name>.yml). The default, the reference
    trial, is calibrated in ``params``; any other study by its file's ``synthetic:``
    section (``calibration``, ``participation``): its persons (``persons`` may say
    otherwise in either mode), arms, clusters, allocation and inclusion window, and
    a planted effect on work participation whose realised size goes into
    ``truth/effects.json`` (``planted_rct``). Without ``seed``, the seed is the first
    day of the study's inclusion as YYYYMMDD (``params.SEED_NOTE``).

    A roll-out study (design rollout) is a population in its regions
    (``rollout_population``): the delivery gains ``bosted.csv`` (residence, with
    the planted defects of every file) and its coverage row, the truth an ``employed_cf``
    column, ``rollout.json`` (the effect as realised, weighted as the estimator
    weights), ``region_month.csv`` and ``target.csv``; its default seed is the
    first region's start as YYYYMMDD.
    """
    started = time.perf_counter()
    if mode not in ("trial", "population"):
        raise RtwError(f"mode must be 'trial' or 'population', got '{mode}'")
    calibration = None
    hazards = None
    rollout = None
    chosen = load_study(study) if study != DEFAULT_STUDY else None
    if chosen is not None and chosen.rollout is not None:
        rollout = load_rollout_model(chosen)
        mode = "population"  # a roll-out study has no trial of its own: any size, in chunks
    elif chosen is not None and chosen.cohort is not None:
        hazards = load_hazard_model(chosen)
        mode = "population"  # a cohort study has no trial of its own: any size, in chunks
    elif chosen is not None:
        calibration = load_calibration(chosen)
        _check_window(calibration)
    elif mode == "trial" and persons not in (None, TRIAL_PERSONS):
        raise RtwError(f"trial mode has {TRIAL_PERSONS} persons; use --mode population for others")
    if seed is None:  # the rule of the demo's seed (params.SEED_NOTE)
        seed = DEFAULT_SEED if calibration is None else calibration.demo_seed
        if hazards is not None:
            seed = int(hazards.index_window[0].replace("-", ""))
        if rollout is not None:
            seed = int(rollout.seed_day)
    default_persons = TRIAL_PERSONS if calibration is None else calibration.persons
    if hazards is not None:
        default_persons = hazards.persons
    if rollout is not None:
        default_persons = rollout.persons
    n = default_persons if persons is None else int(persons)
    if n < 1:
        raise RtwError("persons must be at least 1")
    rates = dict(DEFAULT_DEFECT_RATES if defect_rates is None else defect_rates)
    params = Params(seed=seed, mode=mode, persons=n, defect_rates=rates)
    level = compress_truth_level or (6 if n <= 100_000 else 1)
    if gzip_level is not None and not 1 <= gzip_level <= 9:
        raise RtwError(f"gzip level must be 1 to 9, got {gzip_level}")

    out = Path(out_dir)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    for name in [*SOURCES, "bosted", "participants", "coverage"]:
        for suffix in (".csv", ".csv.gz"):
            (out / f"{name}{suffix}").unlink(missing_ok=True)
    for name in rollout_population.TRUTH_FILES:  # a roll-out's truth, read when present
        (out / "truth" / name).unlink(missing_ok=True)
    width = person_width(n)
    chunk = n if mode == "trial" else params.chunk_persons
    starts = list(range(0, n, chunk))
    unknown_base = 9 * 10 ** (width - 1)
    unknown_block = 10 ** (width - 1) // len(starts)
    jobs = [
        ChunkJob(
            params=params,
            index=index,
            first=first,
            size=min(chunk, n - first),
            width=width,
            unknown_first=unknown_base + index * unknown_block,
            unknown_block=unknown_block,
            truth_level=level,
            raw_gzip_level=gzip_level,
            calibration=calibration,
            hazards=hazards,
            rollout=rollout,
        )
        for index, first in enumerate(starts)
    ]
    realised: dict[tuple[str, int, bool], np.ndarray] = {}

    files = {s: SourceFile(out, s, list(cols), gzip_level) for s, cols in SOURCES.items()}
    coverage_rows = list(COVERAGE)
    if rollout is not None:
        columns = list(rollout_population.BOSTED_COLUMNS)
        files["bosted"] = SourceFile(out, "bosted", columns, gzip_level)
        coverage_rows.append(rollout_population.BOSTED_COVERAGE)
    region_month = None
    participants_header = (";".join(PARTICIPANT_COLUMNS) + "\n").encode()
    if gzip_level is None:
        participants = open(out / "participants.csv", "wb")  # noqa: SIM115
    else:
        participants = open(out / "participants.csv.gz", "wb")  # noqa: SIM115
        participants_header = gzip_member(participants_header, gzip_level)
    participants.write(participants_header)
    truth_file = open(out / "truth" / "person_month.csv.gz", "wb")  # noqa: SIM115
    episodes_file = None
    if hazards is not None:
        episodes_file = open(out / "truth" / "episodes.csv", "wb")  # noqa: SIM115
        episodes_file.write(episode_cohort.EPISODE_HEADER.encode())
    target_file = None
    if rollout is not None:
        target_file = open(out / "truth" / "target.csv", "wb")  # noqa: SIM115
        target_file.write(rollout_population.TARGET_HEADER.encode())
    summary = Summary(out_dir=out, persons=n, persons_with_register_data=0)

    for output in _run(jobs, workers, out / ".parts"):
        participants.write(output.participants)
        if isinstance(output.truth, Path):
            append_file(truth_file, output.truth)
        else:
            truth_file.write(output.truth)
        for source, block in output.blocks.items():
            files[source].append(block)
        if episodes_file is not None:
            episodes_file.write(output.episodes)
        if target_file is not None:
            target_file.write(output.target)
        if output.region_month is not None:
            region_month = output.region_month + (0 if region_month is None else region_month)
        summary.persons_with_register_data += output.persons_with_register_data
        for key, counts in (output.realised or {}).items():
            realised[key] = realised.get(key, 0) + counts
        if progress is not None:
            progress(output.size)

    participants.close()
    truth_file.close()
    if episodes_file is not None:
        episodes_file.close()
    if target_file is not None:
        target_file.close()
    manifest_path = out / "truth" / "defects.csv"
    with open(manifest_path, "wb") as manifest:
        manifest.write(MANIFEST_HEADER.encode())
        for source, handle in files.items():
            summary.rows[source] = handle.finish(manifest)
    with open(manifest_path, "rb") as manifest:
        summary.defects = sum(1 for _ in manifest) - 1
    with open(out / "coverage.csv", "w", encoding="utf-8", newline="\n") as coverage:
        coverage.write("source;first_month;last_month\n")
        for source, first_month, last_month in coverage_rows:
            coverage.write(f"{source};{first_month};{last_month}\n")
    effects = params.as_dict()
    if calibration is not None:
        effects = _study_effects(effects, calibration, realised)
    if hazards is not None:
        effects = {key: effects[key] for key in ("seed", "mode", "persons", "defect_rates")}
        effects["study"] = hazards.study
        effects["planted_hazards"] = hazards.as_dict()
        with open(out / "truth" / "hazard_model.json", "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(hazards.as_dict(), indent=2, sort_keys=True) + "\n")
    if rollout is not None:
        effects = {key: effects[key] for key in ("seed", "mode", "persons", "defect_rates")}
        effects["chunk_persons"] = params.chunk_persons
        effects["study"] = rollout.study
        effects["synthetic"] = rollout.as_dict()
        assert region_month is not None
        planted, lines = rollout_population.planted_truth(rollout, region_month, seed)
        with open(out / "truth" / "rollout.json", "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(planted, indent=2, sort_keys=True) + "\n")
        with open(out / "truth" / "region_month.csv", "w", encoding="utf-8", newline="\n") as f:
            f.write(lines)
    effects["person_id_width"] = width
    effects["truth_gzip_level"] = level
    if gzip_level is not None:
        effects["raw_gzip_level"] = gzip_level
    with open(out / "truth" / "effects.json", "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(effects, indent=2, sort_keys=True) + "\n")
    summary.seconds = time.perf_counter() - started
    return summary


def _check_window(calibration: Calibration) -> None:
    """The study's inclusion window must leave the months before and after that the
    subgroup and the horizons need inside the register window."""
    first = cal.month_of_day(np.array([cal.day(calibration.inclusion[0])]))[0]
    last = cal.month_of_day(np.array([cal.day(calibration.inclusion[1])]))[0]
    window = f"{cal.FIRST_MONTH} to {cal.FIRST_MONTH + cal.N_MONTHS - 1}"
    if first < MONTHS_BEFORE or last + max(HORIZONS) > cal.N_MONTHS - 1:
        raise RtwError(
            f"study {calibration.study}: inclusion {calibration.inclusion[0]} to "
            f"{calibration.inclusion[1]} needs {MONTHS_BEFORE} months before and "
            f"{max(HORIZONS)} after inside the generator's register window ({window})"
        )


def _study_effects(
    params: dict, calibration: Calibration, realised: dict[tuple[str, int, bool], np.ndarray]
) -> dict:
    """effects.json of a study other than the reference trial: the parameters that apply,
    its calibration, and the planted effect with its realised size."""
    effects = {key: params[key] for key in ("seed", "mode", "persons", "defect_rates")}
    effects["chunk_persons"] = params["chunk_persons"]
    effects["study"] = calibration.study
    effects["synthetic"] = calibration.as_dict()
    sub = calibration.subgroup

    def shares(group: str, h: int) -> dict:
        t_sum, t_n = (int(x) for x in realised[(group, h, True)])
        c_sum, c_n = (int(x) for x in realised[(group, h, False)])
        treated = t_sum / t_n if t_n else None
        control = c_sum / c_n if c_n else None
        both = treated is not None and control is not None
        return {
            "treated": treated,
            "control": control,
            "difference": treated - control if both else None,
            "persons": t_n + c_n,
        }

    effects["planted_rct"] = {
        "outcome": "work_participation",
        "horizons": list(HORIZONS),
        "effect": {str(h): calibration.effect["all"][h] for h in HORIZONS},
        "subgroups": {sub: {"12": calibration.effect[sub][12]}},
        "realised": {
            "all": {str(h): shares("all", h) for h in HORIZONS},
            sub: {"12": shares(sub, 12)},
        },
    }
    return effects


def _run(jobs: list[ChunkJob], workers: int | None, spill_dir: Path) -> Iterator[ChunkOutput]:
    """Chunk outputs in order; in worker processes when there are several chunks, at
    most one chunk per worker ahead (memory stays bounded by the chunks in flight)."""
    workers = workers or min(2, os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield build_chunk(job)
        return
    spill_dir.mkdir(exist_ok=True)
    jobs = [replace(job, spill_dir=spill_dir) for job in jobs]
    try:
        yield from _pool(jobs, workers)
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)


def _pool(jobs: list[ChunkJob], workers: int) -> Iterator[ChunkOutput]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque = deque()
        queue = iter(jobs)
        for job in queue:
            pending.append(pool.submit(build_chunk, job))
            if len(pending) >= workers:
                break
        while pending:
            output = pending.popleft().result()
            job = next(queue, None)
            if job is not None:
                pending.append(pool.submit(build_chunk, job))
            yield output
