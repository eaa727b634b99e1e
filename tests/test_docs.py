"""Tests that keep the prose honest: the ODD's constant tables are the code's, every constant the
documents name exists (and has the value they quote), the data dictionary lists exactly the
columns and keys the model and experiments write, the README's parameter table is
``attachment-sim params``, and nothing refers to files outside the repository."""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from simulation import odd_tables
from simulation.commands import parameter_table

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "odd.md"
DICTIONARY = ROOT / "docs" / "data_dictionary.md"
TABLES = ("runs", "infants", "timeseries", "life", "couples")
# `NAME`, an UPPER_CASE constant of the code (one- and two-letter names are symbols of a formula)
CONSTANT = re.compile(r"`(_?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`")
QUOTED = re.compile(r"`(_?[A-Z][A-Z0-9_]{2,})`\s*=\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)")


def outside_the_tables(text: str) -> str:
    """The ODD without its generated block."""
    start, end = text.index(odd_tables.BEGIN), text.index(odd_tables.END)
    return text[:start] + text[end:]


# ------------------------------------------------------------------ the ODD's constants
def test_the_odds_constant_tables_are_generated_from_the_code():
    text = ODD.read_text()
    for markers, make in odd_tables.BLOCKS.items():
        assert odd_tables.current_block(text, markers) == make(), (
            f"docs/odd.md's {markers[0]} block differs from the code:"
            " run python -m simulation.odd_tables"
        )


def test_the_odd_lists_every_intervention_of_the_registry():
    from simulation.model.interventions import INTERVENTIONS

    markers = (odd_tables.INTERVENTIONS_BEGIN, odd_tables.INTERVENTIONS_END)
    block = odd_tables.current_block(ODD.read_text(), markers)
    rows = [line for line in block.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(INTERVENTIONS)
    for row, intervention in zip(rows, INTERVENTIONS.values(), strict=True):
        assert intervention.acts_on in row


def test_the_generator_finds_constants_wherever_they_live(tmp_path):
    # a constant moved to another module, or computed from one, is still found and valued
    (tmp_path / "a.py").write_text('"""Part a: first."""\n# weeks in a year\nYEAR = 52\n')
    (tmp_path / "b.py").write_text(
        '"""Part b: second."""\nfrom a import YEAR\n\n# three years\nWINDOW = 3 * YEAR\n'
        'NAMES = ("x", "y")  # not numeric: not listed\n'
    )
    found = odd_tables.constants(tmp_path)
    assert {name: c.value for name, c in found.items()} == {"YEAR": 52, "WINDOW": 156}
    assert found["WINDOW"].meaning == "three years"
    assert [g.title for g in odd_tables.groups(tmp_path)] == ["Part a: first", "Part b: second"]


def test_every_constant_the_odd_names_exists_in_the_model():
    named = set(CONSTANT.findall(outside_the_tables(ODD.read_text())))
    named = {n for n in named if len(n) > 2}
    assert named, "the ODD names no constant: the pattern no longer matches its style"
    missing = sorted(named - odd_tables.constant_names())
    assert not missing, f"the ODD names constants the model does not have: {missing}"


def _literal_constants() -> dict[str, set[float]]:
    """Every numeric module-level constant of the package and the experiment scripts (a name
    can have different values in different scripts, e.g. RUNS); names of the model's constants
    in an expression are resolved."""
    known = {name: c.value for name, c in odd_tables.constants().items()}
    values: dict[str, set[float]] = {}
    paths = [*ROOT.glob("simulation/**/*.py"), *ROOT.glob("experiments/*.py")]
    for path in paths:
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target, value = node.targets[0], node.value
            pairs = (
                zip(target.elts, value.elts, strict=False)
                if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
                else [(target, value)]
            )
            for name, expression in pairs:
                if isinstance(name, ast.Name):
                    try:
                        number = odd_tables.evaluate(expression, known)
                    except odd_tables.Unsupported:
                        continue
                    if isinstance(number, int | float) and not isinstance(number, bool):
                        values.setdefault(name.id, set()).add(float(number))
    return values


def test_numbers_the_documents_attribute_to_named_constants_are_the_codes():
    model = {name: c.value for name, c in odd_tables.constants().items()}
    anywhere = _literal_constants()
    quoted = []
    for path in (ODD, DICTIONARY, ROOT / "README.md"):
        text = path.read_text()
        if path == ODD:
            text = outside_the_tables(text)
        quoted += [(path.name, n, float(v.replace(",", ""))) for n, v in QUOTED.findall(text)]
    assert quoted, "no document quotes a constant's value: the pattern no longer matches"
    wrong = []
    for document, name, value in quoted:
        if document == ODD.name:
            ok = name in model and model[name] == pytest.approx(value)
        else:
            ok = any(value == pytest.approx(v) for v in anywhere.get(name, set()))
        if not ok:
            wrong.append(f"{document}: `{name}` = {value:g}")
    assert not wrong, f"quoted values that are not the code's: {wrong}"


# ------------------------------------------------------------------ the data dictionary
def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    following = text.find("\n### ", start + len(heading))
    if heading.startswith("### ") and 0 <= following < (end if end >= 0 else len(text)):
        end = following
    return text[start : end if end >= 0 else len(text)]


def documented(heading: str) -> list[str]:
    """The names in the first column of the tables of one section of the data dictionary."""
    names = []
    for line in _section(DICTIONARY.read_text(), heading).splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names += re.findall(r"`([^`]+)`", first)
    return names


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """One small run of each kind whose tables differ in their columns (a few seconds)."""
    from simulation.runner import run_many

    kinds = {
        "first_year": {"n_dyads": 20, "horizon_years": 1},
        "life_course": {"n_dyads": 20},
        "adult_trial": {
            "n_dyads": 30,
            "caregivers": "balanced",
            "intervention": "attachment_therapy",
            "horizon_years": 27,
        },
        "caregiver_programme": {
            "n_dyads": 20,
            "intervention": "caregiver_sensitivity",
            "intervention_age": 0.25,
            "horizon_years": 1,
        },
        "generations": {"n_dyads": 20, "generations": 2, "horizon_years": 35},
    }
    results = run_many(kinds, runs=1, seed=5, workers=1, progress=False)
    return {name: getattr(results, name) for name in TABLES}


@pytest.mark.parametrize("table", TABLES)
def test_the_dictionary_lists_exactly_the_columns_of_each_table(tables, table):
    heading = f"## {table} (`{table}/`, `{table}.csv`)"
    listed = documented(heading)
    assert len(listed) == len(set(listed)), f"{table}: a column is listed twice"
    written = set(tables[table].columns)
    assert not set(listed) - written, f"{table}: documented but not written"
    assert not written - set(listed), f"{table}: written but not documented"


SUMMARIES = ("caregiving", "sweep", "life_course", "adult_styles", "couples")
SUMMARIES += ("interventions", "intergenerational")


@pytest.mark.parametrize("experiment", SUMMARIES)
def test_the_dictionary_lists_exactly_the_keys_of_each_experiments_summary(experiment):
    # the golden record holds each experiment's summary at a small size, kept current by
    # tests/test_golden.py: the keys are those the experiment writes now
    record = json.loads((ROOT / "tests" / "golden" / "experiments.json").read_text())
    written = set(record[experiment]["summary"])
    listed = set(documented(f"### summary.json of the {experiment} experiment"))
    assert not listed - written, f"{experiment}: documented but not written"
    assert not written - listed, f"{experiment}: written but not documented"


# ------------------------------------------------------------------ README and outside files
def test_the_readme_parameter_table_is_attachment_sim_params():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("| name | default |")
    end = readme.index("\n\n", start)
    assert readme[start:end] == parameter_table(), "refresh it with `make readme-params`"


# built from pieces, so that this file does not match itself
OUTSIDE = re.compile(
    "|".join(
        re.escape(part)
        for part in ("science" + ".md", "targets" + ".md", "setup" + "-notes", "shared" + "/")
    )
)


def test_nothing_refers_to_files_outside_the_repository():
    """A user of the project has only the repository: cite the publications themselves."""
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in files:
        try:
            text = (ROOT / name).read_text()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary files (figures), or deleted in the work tree
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{number}: {line.strip()[:80]}")
    assert len(files) > 50, "git ls-files found too few files"
    assert not found, "references to files outside the repository:\n" + "\n".join(found)
