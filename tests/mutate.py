"""Mutation testing of the rules, the permission helpers and the reminder claim (`make mutate`).

Each mutant is one deliberate one-line bug made by mutmut's mutation engine (an operator, a
comparison, a constant, a keyword, a string or a decorator changed). It is written into a copy
of the project (``var/mutation/work``: the checkout itself is never touched), then only the test
files that cover its module run against it (2 cores: never the whole suite). A mutant those tests
fail on is *killed*; one they pass on *survived* — a real bug of that shape would go unnoticed.

The report (``var/mutation/report.md``) gives the score per module and overall, and the diff of
every survivor. The exit status is non-zero when the overall score is under ``THRESHOLD``.

    python -m tests.mutate                    # everything below
    python -m tests.mutate --only permissions # the targets whose module contains "permissions"
    python -m tests.mutate --list             # the mutants, without running anything
    python -m tests.mutate --only aggregates --pick 7,12  # re-run those mutants of the module
                                                          # (numbers as the log gives them: 7/33)

The tests run on the in-memory SQLite database (DATABASE_URL is dropped for speed and so that
the run shares no database with anyone); tests that need PostgreSQL or Redis skip there, so a
rule that only they cover would show as surviving.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from mutmut import ALL, Context, list_mutations, mutate

ROOT = Path(__file__).resolve().parent.parent
# MUTATION_OUT: another directory (under var/), so that two runs can go side by side.
OUT = Path(os.environ.get("MUTATION_OUT") or ROOT / "var" / "mutation")
WORK = OUT / "work"
THRESHOLD = 90.0  # per cent of the mutants killed, over all the targets


@dataclass(frozen=True)
class Target:
    """A module, optionally restricted to some of its top-level names (functions, classes,
    constants; ``Class.method`` for one method), and the test files that cover it."""

    module: str
    tests: tuple[str, ...]
    names: tuple[str, ...] = ()


# The permission helpers, the reminder claim and the rules (DESIGN.md: target, effective level,
# gap, readiness, due, effectiveness) — in that order, so a run cut short has the first ones.
TARGETS = (
    Target(
        "readiness/permissions.py",
        ("tests/security/test_permission_helpers.py",),
    ),
    Target(
        "assessments/selectors/plans.py",
        (
            "tests/security/test_permission_helpers.py",
            "tests/assessments/views/test_plans_access.py",
        ),
        (
            "plans_visible_to",
            "plan_can_view",
            "plan_can_edit",
            "plan_can_create",
            "concern_can_triage",
        ),
    ),
    Target(
        "readiness/concerns.py",
        (
            "tests/security/test_permission_helpers.py",
            "tests/assessments/views/test_plans_access.py",
        ),
        ("concern_shows_raiser",),
    ),
    Target(
        "assessments/selectors/teams.py",
        (
            "tests/security/test_permission_helpers.py",
            "tests/assessments/views/test_team_access.py",
        ),
        ("teams_readable_by", "team_can_edit", "team_members"),
    ),
    Target(
        "assessments/reminders/run.py",
        ("tests/assessments/reminders/test_reminders.py",),
        ("remind_batch",),
    ),
    Target(
        "assessments/reminders/claim.py",
        ("tests/assessments/reminders/test_reminders.py",),
        ("claim", "claimed_person_steps", "release"),
    ),
    Target(
        "assessments/reminders/deliver.py",
        ("tests/assessments/reminders/test_reminders.py",),
        ("deliver",),
    ),
    Target(
        "assessments/selectors/states.py",
        (
            "tests/assessments/selectors/test_states.py",
            "tests/assessments/selectors/test_states_property.py",
            "tests/assessments/selectors/test_certification_ratings.py",
        ),
    ),
    Target(
        "assessments/selectors/rating_rules.py",
        # The effectiveness reads the effective level through this module's fragments.
        (
            "tests/assessments/selectors/test_states.py",
            "tests/assessments/selectors/test_states_property.py",
            "tests/assessments/selectors/test_certification_ratings.py",
            "tests/catalog/views/test_catalog_views.py",
        ),
    ),
    Target(
        "readiness/selectors.py",
        (
            "tests/assessments/selectors/test_states.py",
            "tests/assessments/selectors/test_states_property.py",
        ),
        ("TARGETS_SQL", "people_sql"),
    ),
    Target(
        "assessments/selectors/catalog.py",
        (
            "tests/catalog/views/test_catalog_views.py",
            "tests/assessments/selectors/test_certification_ratings.py",
        ),
        ("EFFECTIVENESS_SQL", "resources_effectiveness", "resources_mean_gain"),
    ),
    Target(
        "assessments/selectors/aggregates.py",
        (
            "tests/assessments/selectors/test_figures_mutants.py",
            "tests/assessments/selectors/test_states.py",
            "tests/assessments/selectors/test_states_property.py",
        ),
        (
            "Readiness",
            "_PER_PERSON_SQL",
            "people_readiness",
            "_PERSON_FIGURES",
            "_SKILL_FIGURES",
            "_GROUP_FIGURES",
            "_ALL",
            "group_readiness",
            "skill_readiness",
        ),
    ),
    Target(
        "assessments/selectors/reassessment.py",
        (
            "tests/assessments/selectors/test_figures_mutants.py",
            "tests/assessments/selectors/test_reassessment_property.py",
            "tests/assessments/selectors/test_states.py",
            # _ASSESSED_SQL is read by the dashboard cube only
            "tests/assessments/selectors/test_dashboard_cube.py",
        ),
    ),
    Target("readiness/sql.py", ("tests/readiness/test_sql.py",)),
)


@dataclass
class Outcome:
    target: Target
    killed: int = 0
    survived: list[str] = field(default_factory=list)  # the diffs
    timed_out: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.killed + len(self.survived) + self.timed_out


def _lines_of(source: str, names: tuple[str, ...]) -> set[int] | None:
    """0-based line numbers of the given top-level names (None: the whole module)."""
    if not names:
        return None
    tree = ast.parse(source)
    wanted: set[int] = set()
    found: set[str] = set()
    for node in tree.body:
        candidates: list[tuple[str, ast.AST]] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            candidates.append((node.name, node))
            if isinstance(node, ast.ClassDef):
                candidates += [
                    (f"{node.name}.{item.name}", item)
                    for item in node.body
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            candidates += [(t.id, node) for t in targets if isinstance(t, ast.Name)]
        for name, item in candidates:
            if name in names:
                found.add(name)
                start = min([item.lineno, *(d.lineno for d in getattr(item, "decorator_list", []))])
                wanted.update(range(start - 1, item.end_lineno or item.lineno))
    missing = set(names) - found
    if missing:
        raise SystemExit(f"tests/mutate.py: no top-level {sorted(missing)} to mutate")
    return wanted


def mutants_of(target: Target) -> list:
    source = (ROOT / target.module).read_text()
    lines = _lines_of(source, target.names)
    ids = list_mutations(Context(source=source, filename=target.module))
    return [m for m in ids if lines is None or m.line_number in lines]


def _mutated(target: Target, mutation_id) -> str:
    source = (ROOT / target.module).read_text()
    context = Context(source=source, filename=target.module, mutation_id=mutation_id)
    mutated, count = mutate(context)
    assert count == 1, (target.module, mutation_id)
    return mutated


def _diff(target: Target, mutation_id, mutated: str) -> str:
    import difflib

    original = (ROOT / target.module).read_text().splitlines(keepends=True)
    lines = difflib.unified_diff(
        original, mutated.splitlines(keepends=True), f"a/{target.module}", f"b/{target.module}", n=1
    )
    return "".join(lines)


def _copy_project() -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    ignore = shutil.ignore_patterns(
        ".git",
        ".venv",
        "var",
        "__pycache__",
        ".env",
        "test-results",
        "screenshots",
        ".hypothesis",
        "node_modules",
    )
    shutil.copytree(ROOT, WORK, ignore=ignore)
    (WORK / "readiness" / "settings" / "mutation.py").write_text(
        SETTINGS.format(name=str(OUT / "test-db.sqlite3"))
    )


# The copy's settings: the test database in a file, created by each target's first (unmutated)
# run and reused by its mutants (--reuse-db is in the pytest options): no migrations per mutant.
SETTINGS = """from .test import *  # noqa: F403
from .test import DATABASES

DATABASES["default"]["TEST"] = {{"NAME": {name!r}}}
"""


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CI", "REQUIRE_SERVICES", "CELERY_BROKER_URL")
    }
    # Derandomized, fewer examples than CI (tests/conftest.py): a mutant's fate does not
    # depend on luck, and hundreds of runs stay affordable.
    env["HYPOTHESIS_PROFILE"] = "mutation"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _pytest(
    target: Target, timeout: float | None, *, create_db: bool = False
) -> tuple[bool | None, float]:
    """Run the target's tests in the copy: (passed, seconds); passed is None on a timeout."""
    # Without the browser and schema plugins (a second less per mutant): no target needs them.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:playwright",
        "-p",
        "no:base_url",
        "-p",
        "no:schemathesis",
        "-m",
        "not browser",
        "--no-header",
        "--ds",
        "readiness.settings.mutation",
        *(["--create-db"] if create_db else []),
        *target.tests,
    ]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command, cwd=WORK, env=_env(), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - started
    return done.returncode == 0, time.monotonic() - started


def run_target(
    target: Target, log, pick: frozenset[int] = frozenset(), timeout: float | None = None
) -> Outcome:
    outcome = Outcome(target)
    started = time.monotonic()
    module = WORK / target.module
    original = module.read_text()
    passed, baseline = _pytest(target, timeout=None, create_db=True)
    if not passed:
        raise SystemExit(f"{target.module}: its tests fail without any mutant ({target.tests})")
    # Three times the unmutated run: on a machine busier than when the baseline ran, pass a
    # longer --timeout, or a slow run counts as killed.
    timeout = timeout or baseline * 3 + 15
    mutants = mutants_of(target)
    log(f"{target.module}: {len(mutants)} mutants, baseline {baseline:.1f} s")
    try:
        for number, mutation_id in enumerate(mutants, 1):
            if pick and number not in pick:
                continue
            mutated = _mutated(target, mutation_id)
            module.write_text(mutated)
            passed, seconds = _pytest(target, timeout)
            if passed is None:
                outcome.timed_out += 1  # an endless loop is noticed too: counted as killed
                verdict = "timeout"
            elif passed:
                outcome.survived.append(_diff(target, mutation_id, mutated))
                verdict = "SURVIVED"
            else:
                outcome.killed += 1
                verdict = "killed"
            log(
                f"  {number}/{len(mutants)} line {mutation_id.line_number + 1}: "
                f"{verdict} ({seconds:.1f} s)"
            )
    finally:
        module.write_text(original)
    outcome.seconds = time.monotonic() - started
    return outcome


def score(outcomes: list[Outcome]) -> float:
    total = sum(o.total for o in outcomes)
    caught = sum(o.killed + o.timed_out for o in outcomes)
    return 100.0 * caught / total if total else 100.0


def write_report(outcomes: list[Outcome], path: Path) -> None:
    overall = score(outcomes)
    lines = [
        "# Mutation testing report",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make mutate` (tests/mutate.py). "
        f"Overall: **{overall:.1f} %** killed (threshold {THRESHOLD:.0f} %).",
        "",
        "| module | restricted to | tests | mutants | killed | timed out | survived | score | time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        lines.append(
            f"| `{o.target.module}` | {', '.join(o.target.names) or 'whole module'} | "
            f"{', '.join(Path(t).name for t in o.target.tests)} | {o.total} | {o.killed} | "
            f"{o.timed_out} | {len(o.survived)} | {score([o]):.1f} % | {o.seconds / 60:.1f} min |"
        )
    lines += ["", "## Survivors", ""]
    if not any(o.survived for o in outcomes):
        lines.append("None.")
    for o in outcomes:
        for diff in o.survived:
            lines += ["```diff", diff.rstrip("\n"), "```", ""]
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="targets whose module contains this text")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds before a mutant's run counts as killed (default: 3 × "
        "the unmutated run + 15 s)",
    )
    parser.add_argument(
        "--tests",
        default="",
        help="run these test files (comma-separated) instead of the target's: "
        "to show that a new test kills the picked survivors",
    )
    parser.add_argument(
        "--show",
        action="store_true",
        help="print the diff of each mutant (with --pick: of those) and stop",
    )
    parser.add_argument(
        "--pick",
        default="",
        help="only these mutants of each target, by number (1,5,7 as --list "
        "and the log number them): to re-run survivors after a new test",
    )
    args = parser.parse_args(argv)
    targets = [t for t in TARGETS if args.only in t.module]
    if args.tests:
        targets = [replace(t, tests=tuple(args.tests.split(","))) for t in targets]
    pick = frozenset(int(n) for n in args.pick.split(",") if n.strip())
    if args.show:
        for target in targets:
            for number, mutation_id in enumerate(mutants_of(target), 1):
                if not pick or number in pick:
                    print(f"#{number}", _diff(target, mutation_id, _mutated(target, mutation_id)))
        return 0
    if args.list:
        for target in targets:
            for number, m in enumerate(mutants_of(target), 1):
                print(f"{target.module}:{m.line_number + 1}: #{number} {m.line.strip()}")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    log_file = (OUT / "log.txt").open("w")

    def log(message: str) -> None:
        print(message, flush=True)
        log_file.write(message + "\n")
        log_file.flush()

    assert ALL  # the engine is mutmut's (pinned in the dev extra)
    _copy_project()
    report = OUT / "report.md"
    outcomes: list[Outcome] = []
    for target in targets:
        outcomes.append(run_target(target, log, pick, args.timeout))
        write_report(outcomes, report)  # after each target: a run cut short still reports
    overall = score(outcomes)
    log(f"mutation score {overall:.1f} % (threshold {THRESHOLD:.0f} %): {report}")
    return 0 if overall >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
