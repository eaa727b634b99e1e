"""A simulated Strange Situation (Ainsworth et al. 1978) and its scoring, as plain functions.

Behaviour is generated from each infant's working model, temperament and carried-over distress,
with noise; it is then rated on the interactive scales (1-7) and disorganisation (1-9). The
classifier sees only those ratings and fixed cut-offs, never the working model or the caregiver.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.model.working_model import WorkingModel, strategy

# (name, who is with the infant, stress the episode adds). Stress values order the episodes as
# the procedure intends: mild novelty, a stranger, separations of rising severity.
EPISODES: tuple[tuple[str, str, float], ...] = (
    ("Introduction", "caregiver", 0.0),
    ("Caregiver and infant explore", "caregiver", 0.05),
    ("Stranger joins", "caregiver and stranger", 0.3),
    ("First separation", "stranger", 1.0),
    ("First reunion", "caregiver", 0.0),
    ("Infant alone", "nobody", 1.4),
    ("Stranger returns", "stranger", 0.5),
    ("Second reunion", "caregiver", 0.0),
)
REUNIONS = (4, 7)  # indices of the reunion episodes
# Share of distress that carries from one 3-minute episode into the next, by who is present.
CARRY = {"caregiver": 0.6, "caregiver and stranger": 0.8, "stranger": 0.9, "nobody": 1.0}
INTERACTIVE_SCALES = ("proximity_seeking", "contact_maintaining", "resistance", "avoidance")
# How much an irritable temperament adds to reunion resistance, per log unit of reactivity above
# average: temperament shifts infants along the B1-B2 / B3-C continuum (Belsky & Rovine 1987;
# Susman-Stillman et al. 1996) without making the class a matter of temperament alone.
TEMPERAMENT_RESISTANCE = 0.5
CLASSES = ("A", "B", "C", "D")
CLASS_NAMES = {
    "A": "avoidant",
    "B": "secure",
    "C": "resistant/ambivalent",
    "D": "disorganised",
}


@dataclass
class StrangeSituationResult:
    """Ratings and classes for a batch of infants (arrays of length n)."""

    distress: np.ndarray  # (n, 8): distress at the end of each episode
    reunion_scores: dict[str, np.ndarray]  # scale -> (n, 2) ratings at the two reunions
    scores: dict[str, np.ndarray]  # scale -> (n,) the higher of the two reunion ratings
    attachment_class: np.ndarray  # (n,) "A" / "B" / "C" / "D"
    organised_class: np.ndarray  # (n,) best-fitting A/B/C (the alternative under a D)


def _rate(x: np.ndarray, points: int) -> np.ndarray:
    """Map a behaviour intensity in [0, 1] onto a 1..points rating (in half points)."""
    return np.round(2.0 * (1.0 + (points - 1) * np.clip(x, 0.0, 1.0))) / 2.0


def classify(
    scores: dict[str, np.ndarray],
    d_cutoff: float = 5.0,
    avoidance_cutoff: float = 4.0,
    resistance_cutoff: float = 4.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Classify from the ratings alone with fixed cut-offs: returns (class, organised class).

    D (Main & Solomon) is assigned on top wherever disorganisation reaches its cut-off; the
    organised class is A where reunion avoidance dominates, C where resistance dominates,
    otherwise B (proximity and contact seeking without marked avoidance or resistance).
    """
    av, rs = scores["avoidance"], scores["resistance"]
    organised = np.where(
        (av >= avoidance_cutoff) & (av >= rs),
        "A",
        np.where(rs >= resistance_cutoff, "C", "B"),
    )
    final = np.where(scores["disorganisation"] >= d_cutoff, "D", organised)
    return final, organised


def strange_situation(
    wm: WorkingModel,
    reactivity: np.ndarray,
    soothability: np.ndarray,
    rng: np.random.Generator,
    noise: float = 0.06,
    d_cutoff: float = 5.0,
    avoidance_cutoff: float = 4.0,
    resistance_cutoff: float = 4.0,
) -> StrangeSituationResult:
    """Run the eight episodes for every infant and score the reunions."""
    n = len(reactivity)
    s = strategy(wm)
    hyper, deact, alarm = s.hyperactivation, s.deactivation, s.conflict
    distress = np.zeros((n, len(EPISODES)))
    reunion = {k: np.zeros((n, 2)) for k in (*INTERACTIVE_SCALES, "disorganisation")}
    level = np.zeros(n)
    for e, (_, present, stress) in enumerate(EPISODES):
        if e in REUNIONS:
            r = REUNIONS.index(e)
            activation = level / (level + 0.5)  # how strongly the attachment system is engaged
            jitter = {k: noise * rng.standard_normal(n) for k in reunion}
            approach = (1 - deact) * (0.3 + 0.7 * activation)
            contact = (1 - deact) * activation * (0.5 + 0.5 * hyper)
            # angry resistance: the hyperactivating strategy, and an irritable temperament
            # (easily distressed, hard to soothe), which shows in the same behaviour
            irritable = TEMPERAMENT_RESISTANCE * np.log(np.maximum(reactivity, 1.0))
            resist = (hyper + irritable) * activation * (2.0 - soothability)
            disorganised = alarm * (0.6 + 0.4 * activation)
            reunion["proximity_seeking"][:, r] = _rate(approach + jitter["proximity_seeking"], 7)
            reunion["contact_maintaining"][:, r] = _rate(contact + jitter["contact_maintaining"], 7)
            reunion["resistance"][:, r] = _rate(resist + jitter["resistance"], 7)
            reunion["avoidance"][:, r] = _rate(deact + jitter["avoidance"], 7)
            reunion["disorganisation"][:, r] = _rate(disorganised + jitter["disorganisation"], 9)
            # comfort settles the infant only as far as it is accepted
            accepted = (1 - deact) * (1 - 0.5 * hyper) * (1 - 0.5 * alarm)
            level = level * (1 - 0.8 * soothability * accepted)
        else:
            felt = reactivity * stress * np.exp(noise * rng.standard_normal(n))
            level = CARRY[present] * level + felt
        distress[:, e] = level
    scores = {k: v.max(axis=1) for k, v in reunion.items()}
    final, organised = classify(scores, d_cutoff, avoidance_cutoff, resistance_cutoff)
    return StrangeSituationResult(distress, reunion, scores, final, organised)
