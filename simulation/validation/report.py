"""The validation document in Markdown (TRACE order), the terminal table, and writing them.

Current figures are computed here from a ``ValidationReport``; the fixed prose comes from
``simulation.validation.prose``.
"""

from __future__ import annotations

import math
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.model.life_course import CATEGORIES, COUNTERPART, adult_category, ecr_scale
from simulation.model.parameters import DEFAULTS
from simulation.model.strange_situation import CLASSES
from simulation.validation import prose
from simulation.validation.checks import LIFE_SPECS, OWN_CLASS, SPECS, CheckSpec
from simulation.validation.document import ValidationReport
from simulation.validation.runs import CheckSet

# Published figures set beside the model's in the analysis (patterns 9 and 10).
BAKERMANS_KRANENBURG_2003 = "Bakermans-Kranenburg, van IJzendoorn & Juffer 2003"
PROGRAMME_REFERENCE = {"sensitivity_d": 0.33, "security_d": 0.19}  # all programmes
VAN_IJZENDOORN_1995 = "van IJzendoorn 1995"
TRANSMISSION_REFERENCE = {"concordance": 0.75, "kappa": 0.49, "sensitivity_mediated_share": 0.23}


def _f(value: Any, digits: int = 3) -> str:
    """A number for a table; n/a when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def _interval(pair: Any, digits: int = 2) -> str:
    if not pair or any(v is None or (isinstance(v, float) and math.isnan(v)) for v in pair):
        return ""
    return f" [{pair[0]:.{digits}f}, {pair[1]:.{digits}f}]"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def _commit() -> str:
    from simulation.storage import git_state

    state = git_state()
    if not state.get("commit"):
        return "not in git"
    return state["commit"][:10] + (" (with uncommitted changes)" if state.get("dirty") else "")


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


def text_table(checks: CheckSet) -> str:
    """Some checks as a plain-text table for the terminal."""
    width = max(len(c.name) for c in checks.checks)
    lines = [f"{'check':{width}s}  {'model':>7s}  {'band':14s}  result"]
    for c in checks.checks:
        verdict = "pass" if c.passed else "MISS"
        lines.append(f"{c.name:{width}s}  {c.value:7.3f}  {str(c.band):14s}  {verdict}")
    return "\n".join(lines)


# ------------------------------------------------------------------ generated sections
def _bands_table() -> list[str]:
    lines = ["| pattern | check | band | why this band | source |", "|---|---|---|---|---|"]
    specs: list[CheckSpec] = [*SPECS, *LIFE_SPECS]
    for s in specs:
        lines.append(
            f"| {s.pattern or 'procedure'} | {s.name} | {s.band} | {s.reason} | {s.source} |"
        )
    return lines


def _checks_table(checks: CheckSet) -> list[str]:
    lines = ["| check | model figure | band | result |", "|---|---|---|---|"]
    for c in checks.checks:
        lines.append(
            f"| {c.name} | {_f(c.value)} | {c.band} | {'pass' if c.passed else '**miss**'} |"
        )
    return lines


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's (1960) kappa of two nominal codings."""
    labels = sorted(set(a) | set(b))
    observed = float((a == b).mean())
    chance = sum(float((a == x).mean()) * float((b == x).mean()) for x in labels)
    return (observed - chance) / (1.0 - chance) if chance < 1.0 else float("nan")


def _cutoff_agreement(infants: pd.DataFrame) -> tuple[float, float]:
    """Agreement of the category at 12 months (default cut-offs) with the class's counterpart."""
    category = adult_category(
        ecr_scale(infants["anxiety"].to_numpy()),
        ecr_scale(infants["avoidance"].to_numpy()),
        DEFAULTS["anxiety_cutoff"],
        DEFAULTS["avoidance_cutoff"],
    )
    counterpart = infants["ssp_class"].map(COUNTERPART).to_numpy()
    secure = _kappa(category == "secure", counterpart == "secure")
    return _kappa(category, counterpart), secure


def _calibration(report: ValidationReport, figure: str) -> list[str]:
    v = report.calibration
    passed = sum(c.passed for c in v.checks)
    kappa, secure = _cutoff_agreement(v.normative)
    return [
        prose.TUNED_FIRST_YEAR,
        "",
        "### The checks on the calibration seed",
        "",
        f"Master seed {v.seed}: {_runs(v.runs_normative)} of the normative mix and"
        f" {_runs(v.runs_preset)} of each caregiver preset ({', '.join(OWN_CLASS)}), first year"
        f" only ({len(v.normative)} + {len(v.presets)} infants). **{passed} of"
        f" {len(v)} checks pass.**",
        "",
        *_checks_table(v),
        "",
        "Class shares are pooled over all infants of the runs; correlations are point-biserial"
        " (security 0/1) over all infants of the normative runs; observed sensitivity is rated as"
        " studies rate it (ODD 7.10).",
        "",
        f"![The first-year checks against their bands]({figure})",
        "",
        "### What was tuned after the first year",
        "",
        prose.TUNED_LATER,
        "",
        "### Adult category cut-offs at 12 months",
        "",
        f"On the normative infants of the calibration seed, the categories computed at 12 months"
        f" with the default cut-offs (`anxiety_cutoff` {DEFAULTS['anxiety_cutoff']:g},"
        f" `avoidance_cutoff` {DEFAULTS['avoidance_cutoff']:g}) agree with the counterparts of"
        f" the Strange Situation classes with Cohen's kappa {_f(kappa)} over the four categories"
        f" and {_f(secure)} for security alone.",
        "",
        prose.CUTOFF_NOTE,
    ]


def _categories_table(frame: pd.DataFrame) -> list[str]:
    lines = ["| population | age | " + " | ".join(CATEGORIES) + " |", "|---|---|---|---|---|---|"]
    for row in frame.itertuples(index=False):
        values = " | ".join(_f(getattr(row, c)) for c in CATEGORIES)
        lines.append(f"| `{row.population}` | {row.age} | {values} |")
    return lines


def _analysis(report: ValidationReport) -> list[str]:
    a = report.analysis
    if a is None:
        return ["Not run this time (`--no-analysis`)."]
    s = a.summaries
    lines = [prose.ANALYSIS, ""]
    for name, folder in a.folders.items():
        summary = s[name]
        lines.append(
            f"- `{name}`: {_runs(summary['runs'])} per parameter set, master seed"
            f" {summary['seed']} (`attachment-sim experiment {name}`; folder `{folder.name}/`)"
        )
    lines += [
        "",
        "### Adult categories by caregiver population (pattern 6)",
        "",
        f"{_runs(a.population_runs)} per population to {a.horizon}, pooled (master seed"
        f" {a.seed}, each population labelled with its name).",
        "",
        *_categories_table(a.categories),
    ]
    life = s.get("life_course")
    if life:
        ages = list(life["stability_r"])
        lines += [
            "",
            "### Continuity from 12 months (pattern 5): the `life_course` experiment",
            "",
            "Correlation of security at 12 months (B) with security at later birthdays, pooled:",
            "",
            "| account | " + " | ".join(ages) + " |",
            "|---|" + "---|" * len(ages),
            "| prototype | " + " | ".join(_f(life["stability_r"][k], 2) for k in ages) + " |",
            "| revisionist | "
            + " | ".join(_f(life["stability_r_revisionist"][k], 2) for k in ages)
            + " |",
            "",
            "Share of each infant class whose adult category at 30 is its counterpart (prototype): "
            + ", ".join(f"{c} {_f(v, 2)}" for c, v in life["continuity_by_class"].items())
            + f"; same secure/insecure status at 20 as at 12 months:"
            f" {_f(life.get('same_secure_status_at_20'), 2)}.",
        ]
    lines += _adult_styles(s.get("adult_styles"), a.references.get("adult_styles"))
    lines += _couples(s.get("couples"))
    lines += _interventions(s.get("interventions"))
    lines += _generations(s.get("intergenerational"))
    return [*lines, "", prose.ANALYSIS_NOTES]


def _adult_styles(summary: dict | None, reference: dict | None) -> list[str]:
    if not summary:
        return []
    dist = summary["adult_distribution"]
    lines = [
        "",
        "### Adult categories of the normative mix (patterns 6 and 8): `adult_styles`",
        "",
        "| | " + " | ".join(CATEGORIES) + " |",
        "|---|---|---|---|---|",
        "| model, at 30 | " + " | ".join(_f(dist[c]) for c in CATEGORIES) + " |",
    ]
    if reference:
        lines.append(
            "| Bartholomew & Horowitz 1991 | "
            + " | ".join(_f(reference[c], 2) for c in CATEGORIES)
            + " |"
        )
    lines += ["", "From each infant class to the categories at 30 (shares of the class):", ""]
    lines += ["| infant class | " + " | ".join(CATEGORIES) + " |", "|---|---|---|---|---|"]
    for cls in CLASSES:
        row = summary["infant_to_adult"].get(cls) or {}
        lines.append(f"| {cls} | " + " | ".join(_f(row.get(c)) for c in CATEGORIES) + " |")
    return lines


def _couples(summary: dict | None) -> list[str]:
    if not summary:
        return []
    rates = summary["demand_withdraw_rate"]
    lines = [
        "",
        "### Couples (pattern 7): `couples`",
        "",
        "| pairing | share of couples | satisfaction | broke up within 3 years |"
        " weeks with a pursuer-withdrawer episode |",
        "|---|---|---|---|---|",
    ]
    for pairing, share in summary["pairing_share"].items():
        lines.append(
            f"| {pairing} | {_f(share)} | {_f(summary['satisfaction'].get(pairing))} |"
            f" {_f(summary['breakup_rate'].get(pairing))} | {_f(rates.get(pairing))} |"
        )
    known = {k: v for k, v in rates.items() if v is not None}
    if known:
        top = max(known, key=known.get)
        order = sorted(known, key=known.get)
        place = order.index("secure+secure") + 1 if "secure+secure" in known else None
        where = f"{place} of {len(order)} from the lowest" if place else "not formed"
        lines += [
            "",
            f"Pursuer-withdrawer weeks are most frequent in `{top}` couples; `secure+secure`"
            f" couples rank {where}.",
        ]
    return lines


def _interventions(summary: dict | None) -> list[str]:
    if not summary:
        return []
    lines = [
        "",
        "### Interventions (pattern 9): `interventions`",
        "",
        f"Adult trials: `{summary['population']}` mix, target `{summary['target']}`, from"
        f" {summary['age']:g} for {summary['weeks']} weeks at dose {summary['dose']:g}; Cohen's d"
        " of the change from the start to one year after the end, treated minus controls, with"
        " 95% intervals from resampling whole runs:",
        "",
        "| intervention | anxiety (ECR, measured) | avoidance (ECR, measured) | satisfaction |",
        "|---|---|---|---|",
    ]
    for name, effects in summary["effect_d"].items():
        cells = [
            _f(effects[o], 2) + _interval(summary["effect_d_interval"][name][o])
            for o in ("anxiety", "avoidance", "satisfaction")
        ]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    p = summary["sensitivity_intervention"]
    ref = PROGRAMME_REFERENCE
    lines += [
        "",
        "The caregiver programme: observed sensitivity at 9 months d ="
        f" {_f(p['sensitivity_d'], 2)}{_interval(p['sensitivity_d_interval'])}, security at 12"
        f" months d = {_f(p['security_d'], 2)}{_interval(p['security_d_interval'])}"
        f" ({_f(p['secure_treated'], 2)} of the treated dyads' infants secure, against"
        f" {_f(p['secure_control'], 2)} of the controls'); all programmes of"
        f" {BAKERMANS_KRANENBURG_2003}: d = {ref['sensitivity_d']:.2f} and"
        f" {ref['security_d']:.2f}, larger for short, sensitivity-focused programmes with video"
        " feedback (the constant was aimed there).",
    ]
    return lines


def _generations(summary: dict | None) -> list[str]:
    if not summary:
        return []
    ref, iv = TRANSMISSION_REFERENCE, summary.get("intervals", {})
    lines = [
        "",
        "### Generations (pattern 10): `intergenerational`",
        "",
        f"{summary['pairs']} parent-child pairs of {summary['generations']} generations; the"
        " parent is classified by the category at the birth, the child by the Strange Situation.",
        "",
        f"| figure | model | {VAN_IJZENDOORN_1995} |",
        "|---|---|---|",
    ]
    for key, label in (
        ("concordance", "concordance, parent secure vs child secure (B)"),
        ("kappa", "Cohen's kappa"),
        ("r_parent_child_security", "r, parent's security score vs child secure"),
        ("sensitivity_mediated_share", "share of the link carried by observed sensitivity"),
    ):
        reference = _f(ref[key], 2) if key in ref else "-"
        lines.append(f"| {label} | {_f(summary[key], 2)}{_interval(iv.get(key))} | {reference} |")
    header = "| generation | " + " | ".join(CLASSES) + " | adult secure |"
    lines += ["", header, "|" + "---|" * 6]
    for g, row in summary["by_generation"].items():
        shares = " | ".join(_f(row["infant_classes"].get(c)) for c in CLASSES)
        lines.append(f"| {g} | {shares} | {_f(row['adult_secure'])} |")
    return lines


def _corroboration(report: ValidationReport) -> list[str]:
    lines = [prose.CORROBORATION, "", "### Which seeds validate", ""]
    lines += ["| checks | seed | role | pass |", "|---|---|---|---|"]
    roles = {report.calibration.seed: "calibration: the tuning looked at it"}
    for label, checks in report.check_sets():
        kind = label.split(",")[0]
        role = roles.get(checks.seed, "never used in tuning") if kind == "first year" else ""
        if kind == "life course":
            role = "never tuned for"
        passed = sum(c.passed for c in checks.checks)
        lines.append(f"| {kind} | {checks.seed} | {role} | {passed} of {len(checks)} |")
    if report.other_seeds:
        sets = [report.calibration, *report.other_seeds]
        lines += ["", "### The first-year checks on every seed", ""]
        lines += ["| check | band | " + " | ".join(f"seed {v.seed}" for v in sets) + " |"]
        lines += ["|---|---|" + "---|" * len(sets)]
        for i, c in enumerate(report.calibration.checks):
            cells = []
            for v in sets:
                other = v.checks[i]
                cells.append(_f(other.value) + ("" if other.passed else " **miss**"))
            lines.append(f"| {c.name} | {c.band} | " + " | ".join(cells) + " |")
    if report.life is not None:
        life = report.life
        lines += [
            "",
            "### The life course (pattern 5)",
            "",
            f"{_runs(life.runs)} of the normative mix to 30, master seed {life.seed}"
            f" ({len(life.infants)} people). The pattern was never tuned for.",
            "",
            *_checks_table(life),
        ]
    return lines


# ------------------------------------------------------------------ the whole document
def markdown_report(report: ValidationReport, figure: str = "validation.png") -> str:
    """The document; ``figure`` is the figure's path relative to the document."""
    v = report.calibration
    checks = report.checks
    passed = sum(c.passed for c in checks)
    missed = report.failed
    lines = [
        "# Validation and calibration (TRACE)",
        "",
        "<!-- Written by `attachment-sim validate`; edit simulation/validation/ and run it again"
        " instead of editing this file. -->",
        "",
        f"**{passed} of {len(checks)} checks pass**"
        + (f"; missed: {', '.join(missed)}." if missed else "."),
        "",
        f"- date: {report.date}",
        f"- reproduce: `{report.command}` (the same figures with any `--workers`)",
        f"- calibration seed {v.seed}; other seeds"
        f" {', '.join(str(o.seed) for o in report.other_seeds) or 'none'}",
        f"- version: attachment-sim {_version('attachment-sim')}, mesa {_version('mesa')},"
        f" commit {_commit()}",
        f"- time: {report.seconds / 60:.1f} minutes with {report.workers} worker"
        + ("s" if report.workers != 1 else "")
        + " (experiment folders that already held the same runs of the same model were reused)",
        "",
        prose.INTRODUCTION,
        "",
        "## 1. Problem formulation",
        "",
        prose.PROBLEM,
        "",
        "## 2. Model description",
        "",
        prose.MODEL_DESCRIPTION,
        "",
        "## 3. Data evaluation",
        "",
        prose.DATA,
        "",
        *_bands_table(),
        "",
        "## 4. Conceptual model evaluation",
        "",
        prose.CONCEPTUAL,
        "",
        "### Simplifying assumptions",
        "",
        prose.SIMPLIFICATIONS,
        "",
        "## 5. Implementation verification",
        "",
        prose.VERIFICATION,
        "",
        "## 6. Model output verification: the calibration",
        "",
        *_calibration(report, figure),
        "",
        "## 7. Model analysis",
        "",
        *_analysis(report),
        "",
        "## 8. Model output corroboration",
        "",
        *_corroboration(report),
        "",
        "## References",
        "",
        prose.REFERENCES,
        "",
    ]
    return "\n".join(lines)


def all_checks_table(report: ValidationReport) -> pd.DataFrame:
    """Every check of every seed, one row each (checks.csv)."""
    return pd.concat([s.table() for _, s in report.check_sets()], ignore_index=True)


def write_report(
    report: ValidationReport, out: Path, document: Path | None = None, figure: Path | None = None
) -> list[Path]:
    """Write ``report.md``, ``checks.csv`` and ``validation.png``/``.svg`` into ``out``; with
    ``document`` and ``figure``, also the document and the PNG figure there (the committed
    copies), the document linking the figure by its relative path."""
    import os
    import shutil

    from simulation.figures import save_figure
    from simulation.storage import atomic_write, write_table
    from simulation.validation.figure import validation_figure

    out = Path(out)
    # both texts before any file is written: the committed copies are tracked files, and the
    # document records whether the work tree had uncommitted changes
    text = markdown_report(report)
    publish = document is not None and figure is not None
    if publish:
        link = os.path.relpath(figure, document.parent).replace(os.sep, "/")
        published = markdown_report(report, link)
    paths = [
        atomic_write(out / "report.md", lambda tmp: Path(tmp).write_text(text)),
        write_table(all_checks_table(report), out / "checks.csv"),
    ]
    paths += save_figure(validation_figure(report), out, "validation")
    if publish:
        figure.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "validation.png", figure)
        paths.append(atomic_write(document, lambda tmp: Path(tmp).write_text(published)))
        paths.append(figure)
    return paths
