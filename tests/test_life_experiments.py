"""The three life-course experiments, run small: files, summary keys, every summary figure
re-computed here from the stored tables, and what each figure shows."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle

from simulation.experiment import ExperimentError, load_experiment
from simulation.labels import class_label, pairing_label
from simulation.life_figures import CONTINUITY_LABELS
from simulation.model.life_course import CATEGORIES, COUNTERPART
from simulation.model.strange_situation import CLASSES
from simulation.palette import (
    CATEGORY_COLOURS,
    CLASS_COLOURS,
    CONTINUITY_COLOURS,
    OUTCOME_COLOURS,
    PAIRING_COLOURS,
    REFERENCE_COLOUR,
    STORY_COLOURS,
)
from simulation.storage import load_results
from simulation.sweep import Options
from tests.conftest import kept_figures, same_colour

AGES = ["2", "5", "10", "15", "20", "25", "30"]
COMMON = {"experiment", "runs", "seed"}
# small and fast; the summaries need age 30, so the horizon stays at 30
SETTINGS = {"n_dyads": 20, "horizon_years": 30}


def run_small(name: str, out) -> tuple[dict, dict]:
    """The experiment at 2 runs of 20 people: its summary and the figures it drew."""
    with kept_figures() as figures:
        module = load_experiment(name)
        module.run(Options(runs=2, workers=1, seed=3, out=out, progress=False, settings=SETTINGS))
    return json.loads((out / "summary.json").read_text()), figures


def assert_files(out, *names: str) -> None:
    for name in names:
        assert (out / f"{name}.png").exists()
        assert (out / f"{name}.svg").read_text().startswith("<?xml")


def nan_to_none(value: float) -> float | None:
    """As summary.json writes a missing value."""
    return None if value != value else float(value)


def pearson(x, y) -> float:
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return float("nan")  # nobody differs: no correlation
    return float(((x - x.mean()) * (y - y.mean())).mean() / (x.std() * y.std()))


def bar_rectangles(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def bar_groups(ax) -> list[BarContainer]:
    """The axes' groups of bars, in the order they were drawn."""
    return [c for c in ax.containers if isinstance(c, BarContainer)]


@pytest.fixture(scope="module")
def life_course(tmp_path_factory):
    out = tmp_path_factory.mktemp("life_course")
    return out, *run_small("life_course", out)


@pytest.fixture(scope="module")
def adult_styles(tmp_path_factory):
    out = tmp_path_factory.mktemp("adult_styles")
    return out, *run_small("adult_styles", out)


@pytest.fixture(scope="module")
def couples(tmp_path_factory):
    out = tmp_path_factory.mktemp("couples")
    return out, *run_small("couples", out)


# ------------------------------------------------------------------ life_course
def test_life_course_summary_is_what_the_tables_hold(life_course):
    out, summary, _ = life_course
    assert_files(out, "stability", "class_continuity")
    assert set(summary) == COMMON | {
        "stability_r",
        "stability_r_revisionist",
        "same_secure_status_at_20",
        "continuity_by_class",
    }
    assert summary["experiment"] == "life_course" and summary["runs"] == 2
    assert summary["seed"] == 3
    folder = load_results(out)
    infants, life = folder.load("infants"), folder.load("life")
    early = infants.rename(columns={"infant": "person", "secure": "secure_12m"})
    both = life.merge(early[["population", "run", "person", "secure_12m"]])
    for key, setting in (("stability_r", "prototype"), ("stability_r_revisionist", "revisionist")):
        assert list(summary[key]) == AGES
        for age in AGES:
            rows = both[(both["population"] == setting) & (both["age"] == int(age))]
            expected = nan_to_none(pearson(rows["secure_12m"], rows["secure"]))
            assert summary[key][age] == pytest.approx(expected), (key, age)
    at_20 = both[(both["population"] == "prototype") & (both["age"] == 20)]
    same = (at_20["secure_12m"] == at_20["secure"]).mean()
    assert summary["same_secure_status_at_20"] == pytest.approx(same)
    prototype = infants[infants["population"] == "prototype"]
    for cls in CLASSES:
        rows = prototype[prototype["ssp_class"] == cls]
        kept = (rows["adult_category"] == COUNTERPART[cls]).mean() if len(rows) else np.nan
        assert summary["continuity_by_class"][cls] == pytest.approx(nan_to_none(kept)), cls


def test_the_stability_figure_draws_each_settings_curve_and_the_zero_line(life_course):
    out, _, figures = life_course
    curves = pd.read_csv(out / "stability.csv")  # CSV: 6 significant digits
    ax = figures["stability"].axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    for setting in ("prototype", "revisionist"):
        rows = curves[curves["setting"] == setting].sort_values("age")
        line = lines[CONTINUITY_LABELS[setting]]
        np.testing.assert_allclose(line.get_xdata(), rows["age"])
        np.testing.assert_allclose(line.get_ydata(), rows["r"], rtol=1e-5)
        assert same_colour(line.get_color(), CONTINUITY_COLOURS[setting])
    zero = [a for a in ax.get_lines() if list(a.get_ydata()) == [0, 0]]
    assert len(zero) == 1, "the line of no correlation"
    assert "Normative mix, 2 runs" in ax.get_title()
    assert {"childhood", "adolescence", "adulthood: partners"} <= {t.get_text() for t in ax.texts}


def test_the_continuity_figure_outlines_each_class_share_that_kept_its_style(life_course):
    _, summary, figures = life_course
    fig = figures["class_continuity"]
    prototype, revisionist = fig.axes
    assert prototype.get_title() == "Prototype continuity"
    assert revisionist.get_title() == "Revisionist continuity"
    outlined = [p for p in bar_rectangles(prototype) if p.get_linewidth() == 2.2]
    labels = [t.get_text() for t in prototype.get_yticklabels()]
    present = [c for c in CLASSES if summary["continuity_by_class"][c]]
    # one outlined piece per class whose infants kept their style: as wide as their share
    assert sorted(p.get_width() for p in outlined) == pytest.approx(
        sorted(summary["continuity_by_class"][c] for c in present)
    )
    for cls, label in zip(CLASSES, labels, strict=True):
        assert label.startswith(class_label(cls))
    for piece in bar_rectangles(prototype):
        assert any(same_colour(piece.get_facecolor(), c) for c in CATEGORY_COLOURS.values())


# ------------------------------------------------------------------ adult_styles
def test_adult_styles_summary_is_what_the_tables_hold(adult_styles):
    out, summary, _ = adult_styles
    assert_files(out, "adult_categories", "infant_to_adult")
    assert set(summary) == COMMON | {"adult_distribution", "infant_to_adult"}
    infants = load_results(out).load("infants")
    distribution = summary["adult_distribution"]
    assert list(distribution) == list(CATEGORIES)
    for category in CATEGORIES:
        share = (infants["adult_category"] == category).mean()
        assert distribution[category] == pytest.approx(share), category
    assert set(summary["infant_to_adult"]) == set(CLASSES)
    for cls, row in summary["infant_to_adult"].items():
        assert list(row) == list(CATEGORIES)
        of_class = infants[infants["ssp_class"] == cls]
        for category in CATEGORIES:
            share = (of_class["adult_category"] == category).mean() if len(of_class) else np.nan
            assert row[category] == pytest.approx(nan_to_none(share)), (cls, category)


def test_the_adult_categories_figure_sets_the_model_beside_the_reference(adult_styles):
    out, summary, figures = adult_styles
    module = load_experiment("adult_styles")
    ax = figures["adult_categories"].axes[0]
    model, reference = bar_groups(ax)
    # runs of 20 people each: the mean of the runs' shares is the pooled share
    heights = [bar.get_height() for bar in model]
    assert heights == pytest.approx([summary["adult_distribution"][c] for c in CATEGORIES])
    for bar, category in zip(model, CATEGORIES, strict=True):
        assert same_colour(bar.get_facecolor(), CATEGORY_COLOURS[category])
    assert [bar.get_height() for bar in reference] == [module.REFERENCE[c] for c in CATEGORIES]
    for bar in reference:
        assert same_colour(bar.get_edgecolor(), REFERENCE_COLOUR) and bar.get_hatch() == "//"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[1] == module.REFERENCE_LABEL
    assert "Normative mix" in ax.get_title() and "at 30" in ax.get_title()


def test_the_flow_figure_stacks_classes_and_categories_by_their_numbers(adult_styles):
    out, _, figures = adult_styles
    flows = pd.read_csv(out / "flows.csv").set_index("infant_class")
    total = flows.to_numpy().sum()
    ax = figures["infant_to_adult"].axes[0]
    blocks = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() == 0.06]
    left = [b for b in blocks if b.get_x() == 0.0]
    right = [b for b in blocks if b.get_x() == 0.94]
    assert len(left) == len(CLASSES) and len(right) == len(CATEGORIES)
    for block, cls in zip(left, CLASSES, strict=True):
        assert block.get_height() == pytest.approx(flows.loc[cls].sum() / total)
        assert same_colour(block.get_facecolor(), CLASS_COLOURS[cls])
    for block, category in zip(right, CATEGORIES, strict=True):
        assert block.get_height() == pytest.approx(flows[category].sum() / total)
        assert same_colour(block.get_facecolor(), CATEGORY_COLOURS[category])
    assert f"{int(total):,} people" in ax.get_title()


# ------------------------------------------------------------------ couples
def test_couples_summary_is_what_the_couples_table_holds(couples):
    out, summary, _ = couples
    assert_files(out, "satisfaction_over_time", "couple_story", "pairing_outcomes")
    assert set(summary) == COMMON | {
        "pairing_share",
        "satisfaction",
        "breakup_rate",
        "demand_withdraw_rate",
    }
    table = load_results(out).load("couples")
    pairings = list(summary["pairing_share"])
    assert set(pairings) == set(table["pairing"])
    for pairing in pairings:
        first, second = pairing.split("+")
        assert {first, second} <= set(CATEGORIES) and first <= second
    observed = table[table["observed_3y"].astype(bool)]
    for pairing in pairings:
        rows = table[table["pairing"] == pairing]
        assert summary["pairing_share"][pairing] == pytest.approx(len(rows) / len(table))
        assert summary["satisfaction"][pairing] == pytest.approx(rows["satisfaction"].mean())
        rate = rows["demand_withdraw_rate"].mean()
        assert summary["demand_withdraw_rate"][pairing] == pytest.approx(rate)
        seen = observed[observed["pairing"] == pairing]["broke_up_3y"]
        # None for a pairing none of whose couples was observed 3 years
        expected = nan_to_none(seen.astype(float).mean()) if len(seen) else None
        assert summary["breakup_rate"][pairing] == pytest.approx(expected), pairing
    # the table behind the bars pools the same couples
    bars = pd.read_csv(out / "pairings.csv").set_index("pairing")
    for pairing in pairings:
        assert bars.loc[pairing, "couples"] == (table["pairing"] == pairing).sum()
        assert bars.loc[pairing, "satisfaction"] == pytest.approx(
            summary["satisfaction"][pairing], rel=1e-5
        )


def test_the_pairing_figure_shows_each_pairings_outcomes_in_its_security_colour(couples):
    out, _, figures = couples
    bars = pd.read_csv(out / "pairings.csv").sort_values("satisfaction", kind="stable")
    satisfaction, breakups, pursuit = figures["pairing_outcomes"].axes
    labels = [
        f"{pairing_label(p)} ({n:,})" for p, n in zip(bars["pairing"], bars["couples"], strict=True)
    ]
    assert [t.get_text() for t in satisfaction.get_yticklabels()] == labels
    colours = [PAIRING_COLOURS[p.split("+").count("secure")] for p in bars["pairing"]]
    dots = satisfaction.collections[-1]
    np.testing.assert_allclose(dots.get_offsets()[:, 0], bars["satisfaction"], rtol=1e-5)
    for ax, column in ((breakups, "breakup_rate"), (pursuit, "demand_withdraw_rate")):
        widths = [b.get_width() for b in bar_groups(ax)[0]]
        np.testing.assert_allclose(widths, bars[column], rtol=1e-5)
        for bar, colour in zip(bar_groups(ax)[0], colours, strict=True):
            assert same_colour(bar.get_facecolor(), colour)
    assert "Balanced mix, 2 runs" in figures["pairing_outcomes"].get_suptitle()


def test_the_satisfaction_curves_are_the_traced_couples_mean_by_week(couples):
    out, _, figures = couples
    module = load_experiment("couples")
    weeks = pd.read_parquet(out / "traced_weeks.parquet")
    traced = pd.read_csv(out / "traced_couples.csv")
    counts = traced["pairing"].value_counts()
    shown = [p for p in module.PAIRINGS if counts.get(p, 0) >= module.MIN_COUPLES]
    panels = [ax for ax in figures["satisfaction_over_time"].axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == [
        f"{pairing_label(p)}\n({counts[p]} couples)" for p in shown
    ]
    horizon = module.CURVE_YEARS * 52
    for ax, pairing in zip(panels, shown, strict=True):
        rows = weeks[(weeks["pairing"] == pairing) & (weeks["week_together"] <= horizon)]
        both = 0.5 * (rows["satisfaction_a"] + rows["satisfaction_b"])
        mean = both.groupby(rows["week_together"]).mean().reindex(range(1, horizon + 1))
        curve = next(line for line in ax.get_lines() if line.get_linewidth() == 2)
        np.testing.assert_allclose(curve.get_ydata(), mean)
        assert same_colour(curve.get_color(), OUTCOME_COLOURS["satisfaction"])


def test_the_couple_story_shows_that_couples_weeks(couples):
    out, _, figures = couples
    fig = figures["couple_story"]
    events, sat = fig.axes
    note = re.match(r"traced run (\d+), couple (\d+)", events.get_title())
    weeks = pd.read_parquet(out / "traced_weeks.parquet")
    log = weeks[(weeks["traced_run"] == int(note[1]) - 1) & (weeks["couple"] == int(note[2]))]
    log = log[log["week_together"] <= 52]
    assert fig.get_suptitle().endswith(f"(first {len(log)} weeks)")
    # a shaded column for every pursuer-withdrawer week, on both panels
    shaded = [p for p in events.patches if same_colour(p.get_facecolor()[:3], STORY_COLOURS[
        "pursuer_withdrawer"])]  # fmt: skip
    assert len(shaded) == int(log["demand_withdraw"].astype(bool).sum())
    partners = [line for line in sat.get_lines() if line.get_label().startswith("Partner")]
    assert len(partners) == 2
    for line in partners:  # each partner in the colour of their category
        category = re.search(r"\((\w+)\)", line.get_label())[1]
        assert same_colour(line.get_color(), CATEGORY_COLOURS[category])
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {"comforted", "partner withdrew", "pursuer-withdrawer week"} <= legend


@pytest.mark.parametrize("name", ["life_course", "adult_styles", "couples"])
def test_a_horizon_without_adults_is_refused(name, tmp_path):
    module = load_experiment(name)
    options = Options(runs=1, out=tmp_path, progress=False, settings={"horizon_years": 1})
    with pytest.raises(ExperimentError, match="horizon_years"):
        module.run(options)
