"""What a run records: population means every step, everyone at every birthday, and one row per
person at the end (infancy measures, the Strange Situation, the trial, the adult outcome).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model.caregiving import DIMENSIONS
from simulation.model.childhood import Childhood
from simulation.model.couples import Couples
from simulation.model.infancy import Infancy
from simulation.model.life_course import CATEGORIES, ecr_scale
from simulation.model.population import Population
from simulation.model.trial import Trial
from simulation.model.working_model import anxiety, avoidance, strategy

# Population means recorded every step (the time-series table).
DAILY_MEANS = (
    "other_model",
    "self_model",
    "uncertainty",
    "suppression",
    "alarm",
    "anxiety",
    "avoidance",
)
SHARES = tuple(f"share_{c}" for c in CATEGORIES)


def population_means(
    population: Population, couples: Couples, adult: bool
) -> dict[str, np.ndarray]:
    """This step's population means, one per run (one pass over the working models)."""
    wm, d = population.working_model, population.dispositions
    runs, people = population.runs, population.people
    anxious = d.anxiety >= population.anxiety_cut
    avoidant = d.avoidance >= population.avoidance_cut
    columns = (wm.other_model, wm.self_model, wm.uncertainty, wm.suppression, wm.alarm)
    # each run's mean: a sum over its own people, whatever the batch
    values = [
        c.reshape(runs, people).sum(axis=1) / people for c in (*columns, d.anxiety, d.avoidance)
    ]
    for c in (anxious, avoidant, anxious & avoidant):
        values.append(c.reshape(runs, people).sum(axis=1) / people)  # counts
    means: dict[str, Any] = dict(zip(DAILY_MEANS, values, strict=False))
    anx, avo, both = values[-3:]
    shares = (1.0 - anx - avo + both, anx - both, avo - both, both)
    means.update(zip(SHARES, shares, strict=True))
    if adult:
        partnered = (couples.partner >= 0).reshape(runs, people)
        satisfaction = couples.satisfaction.reshape(runs, people)
        means["partnered"] = partnered.mean(axis=1)
        means["satisfaction"] = np.array(
            [
                s[k].mean() if k.any() else np.nan
                for s, k in zip(satisfaction, partnered, strict=True)
            ]
        )
    else:
        means["partnered"] = np.zeros(runs)
        means["satisfaction"] = np.full(runs, np.nan)
    return means


def snapshot(
    age: int, population: Population, childhood: Childhood, couples: Couples
) -> dict[str, np.ndarray]:
    """Everyone at one age: working model, anxiety and avoidance (0-1 and ECR), category."""
    wm, d, n = population.working_model, population.dispositions, population.n
    anx, avo = d.anxiety, d.avoidance
    category = population.categories()
    return {
        "person": np.tile(np.arange(population.people), population.runs),
        "age": np.full(n, age),
        **{k: getattr(wm, k).copy() for k in vars(wm)},
        "anxiety": anx,
        "avoidance": avo,
        "anxiety_ecr": ecr_scale(anx),
        "avoidance_ecr": ecr_scale(avo),
        "category": category,
        "secure": (category == "secure").astype(int),
        "caregiver_style": population.current_style.copy(),
        "life_events": childhood.life_events.copy(),
        "partnered": (couples.partner >= 0).astype(int),
        "satisfaction": couples.satisfaction.copy(),
    }


def life_table(records: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One row per person per birthday recorded so far."""
    if not records:
        return {}
    return {k: np.concatenate([r[k] for r in records]) for k in records[0]}


def infant_table(
    population: Population,
    infancy: Infancy,
    trial: Trial,
    adult_outcome: dict[str, np.ndarray] | None,
) -> dict[str, np.ndarray]:
    """One entry per person: first caregiver, temperament, working model at 12 months, Strange
    Situation, the trial; and the adult outcome when the run has gone past the first year."""
    first = population.first_caregivers
    wm = population.prototype if population.prototype is not None else population.working_model
    s = strategy(wm)
    temperament = population.temperament
    table: dict[str, np.ndarray] = {
        "infant": np.tile(np.arange(population.people), population.runs),
        "caregiver_style": population.caregiver_style,
        **{k: getattr(first, k) for k in DIMENSIONS},
        "disrupted": infancy.disruption_day >= 0,
        "observed_sensitivity": infancy.observed_sensitivity,
        "comforted_share": infancy.comforted_share,
        "reactivity": temperament.reactivity,
        "soothability": temperament.soothability,
        **{k: getattr(wm, k) for k in vars(wm)},
        "anxiety": anxiety(wm),
        "avoidance": avoidance(wm),
        "hyperactivation": s.hyperactivation,
        "deactivation": s.deactivation,
    }
    if infancy.ssp is not None:
        for k, v in infancy.ssp.scores.items():
            table[f"ssp_{k}"] = v
        table["ssp_class"] = infancy.ssp.attachment_class
        table["ssp_organised_class"] = infancy.ssp.organised_class
        table["secure"] = (infancy.ssp.attachment_class == "B").astype(int)
    table.update(trial.table())
    if adult_outcome is not None:
        table.update(adult_outcome)
    return table


def adult_outcome(
    now: dict[str, np.ndarray], childhood: Childhood, couples: Couples
) -> dict[str, np.ndarray]:
    """Each person at the end of the run (``now``: the last birthday's snapshot)."""
    table = {"final_age": now["age"]}
    for k in ("anxiety", "avoidance", "anxiety_ecr", "avoidance_ecr"):
        table[f"adult_{k}"] = now[k]
    table["adult_category"] = now["category"]
    table["adult_secure"] = now["secure"]
    table["life_events"] = childhood.life_events.copy()
    table["partners"] = couples.partners_count.copy()
    table["breakups"] = couples.breakups.copy()
    table["weeks_partnered"] = couples.weeks_partnered.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["mean_satisfaction"] = np.where(
            couples.weeks_partnered > 0,
            couples.satisfaction_sum / np.maximum(couples.weeks_partnered, 1),
            np.nan,
        )
        table["need_fulfilment"] = np.where(
            couples.needs > 0, couples.needs_met / np.maximum(couples.needs, 1), np.nan
        )
    return table
