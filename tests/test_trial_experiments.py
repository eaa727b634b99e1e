"""The interventions and intergenerational experiments, run small: files, summary keys and
sensible values; the full-size figures are checked in the validation runs."""

import json
import math

import numpy as np
import pytest

from simulation.experiment import load_experiment
from simulation.measures import cohens_d, cohens_kappa, mediation
from simulation.model.interventions import INFANCY_INTERVENTIONS, INTERVENTIONS
from simulation.sweep import Options

ADULT = [i for i in INTERVENTIONS if i not in INFANCY_INTERVENTIONS]


def run_small(name: str, out, runs: int = 2, **settings) -> dict:
    module = load_experiment(name)
    module.run(Options(runs=runs, workers=1, seed=3, out=out, progress=False, settings=settings))
    return json.loads((out / "summary.json").read_text())


def assert_figures(out, *names: str) -> None:
    for name in names:
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert (out / f"{name}.svg").read_text().startswith("<?xml")


@pytest.fixture(scope="module")
def interventions(tmp_path_factory):
    out = tmp_path_factory.mktemp("interventions")
    return out, run_small("interventions", out, n_dyads=60)


@pytest.fixture(scope="module")
def intergenerational(tmp_path_factory):
    out = tmp_path_factory.mktemp("intergenerational")
    return out, run_small("intergenerational", out, n_dyads=40)


def test_interventions_summary_has_every_intervention_and_outcome(interventions):
    out, summary = interventions
    assert_figures(out, "intervention_effects", "caregiver_programme")
    assert set(summary["effect_d"]) == set(ADULT)
    for name, effects in summary["effect_d"].items():
        assert set(effects) == {"anxiety", "avoidance", "satisfaction"}
        assert all(v is None or math.isfinite(v) for v in effects.values()), name
    # a secure partner is for single people: nobody treated has a population partner to rate
    assert summary["effect_d"]["secure_partner"]["satisfaction"] is None
    programme = summary["sensitivity_intervention"]
    assert set(programme) >= {"sensitivity_d", "security_d"}
    assert math.isfinite(programme["sensitivity_d"]) and math.isfinite(programme["security_d"])


def test_intergenerational_summary(intergenerational):
    out, summary = intergenerational
    assert_figures(out, "generations", "transmission")
    for key in ("concordance", "kappa", "r_parent_child_security", "sensitivity_mediated_share"):
        assert math.isfinite(summary[key]), key
    assert 0.0 <= summary["concordance"] <= 1.0
    assert summary["generations"] == 3
    assert summary["pairs"] == 2 * 2 * 40  # 2 runs x 2 child generations x 40 pairs


def test_cohens_d_and_kappa_on_known_values():
    # two groups one pooled sd apart
    assert cohens_d([1.0, 2.0, 3.0], [0.0, 1.0, 2.0]) == pytest.approx(1.0)
    assert math.isnan(cohens_d([1.0], [0.0, 1.0]))
    # perfect agreement is 1, agreement at chance level 0
    assert cohens_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert cohens_kappa([1, 1, 0, 0], [1, 0, 1, 0]) == pytest.approx(0.0)


def test_mediation_recovers_known_paths():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(20_000)
    m = 0.5 * x + rng.standard_normal(20_000)
    y = 0.4 * m + 0.3 * x + rng.standard_normal(20_000)
    path = mediation(x, m, y)
    # indirect 0.5 x 0.4 = 0.2 of a total 0.5: a share of 0.4 (sampling error about .01 here)
    assert path["a"] == pytest.approx(0.5, abs=0.03)
    assert path["b"] == pytest.approx(0.4, abs=0.03)
    assert path["mediated_share"] == pytest.approx(0.4, abs=0.04)


@pytest.mark.validation
def test_transmission_against_the_meta_analysis():
    """Three generations of the normative population, 8 runs of 200 people (4,800 parent-child
    pairs: kappa's sampling sd is about .015 here)."""
    import pandas as pd

    from simulation.measures import transmission
    from simulation.model.parameters import validate
    from simulation.model.run import RunSpec, run_seed, simulate

    params = validate(n_dyads=200, generations=3, horizon_years=35)
    frames = []
    for r in range(8):
        out = simulate(RunSpec("normative", r, run_seed(11, "normative", r), params))
        frames.append(pd.DataFrame(out.tables["infants"]).assign(run=r))
    people = pd.concat(frames, ignore_index=True)
    stats = transmission(people[people["generation"] > 0])
    # Transmission is there but not perfect: van IJzendoorn (1995) found kappa .49 between the
    # parent's interview and the infant's class; the model's parent is classified by
    # questionnaire-like scores, so a weaker but clear link is expected (.1 to .6).
    assert 0.1 < stats["kappa"] < 0.6
    assert stats["r_parent_child_security"] > 0.1
    # The transmission gap: sensitivity carries a minority of the link (about 23% in van
    # IJzendoorn 1995); other paths (consistency, rejection, fear) carry the rest.
    assert 0.05 < stats["sensitivity_mediated_share"] < 0.5
    # The parental-care constants are set so that the normative population reproduces itself
    # (simulation/model/transmission.py): the secure share may drift by no more than .06 in two
    # generations (3 sd of the share over 1,600 infants is about .036; the rest is real drift).
    secure = people.groupby("generation")["secure"].mean()
    assert abs(secure[2] - secure[0]) < 0.06
