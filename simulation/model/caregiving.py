"""Caregiver behaviour as plain, vectorised functions: presets, population mixes, daily care.

Every array has one entry per dyad, so the same code serves one caregiver or ten thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numba
import numpy as np

# The caregiver dimensions, in the order used everywhere (tables, presets, docs).
DIMENSIONS = ("sensitivity", "consistency", "rejection", "fear", "neglect", "disruption")

# Named caregiving styles from the source article (consistent, inconsistent, rejecting,
# frightening). Values are per caregiver; every caregiver of a preset population is identical,
# so any difference between their infants comes from the infants' temperament and the day-to-day
# luck of care.
PRESETS: dict[str, dict[str, float]] = {
    # answers most bids, the same way every day
    "consistent": dict(
        sensitivity=0.85, consistency=0.9, rejection=0.1, fear=0.0, neglect=0.0, disruption=0.0
    ),
    # "consistently inconsistent": attentive on some days, neglecting on others
    "inconsistent": dict(
        sensitivity=0.5, consistency=0.25, rejection=0.1, fear=0.0, neglect=0.0, disruption=0.0
    ),
    # dismissive and predictable: unanswered bids are mostly rebuffed
    "rejecting": dict(
        sensitivity=0.4, consistency=0.85, rejection=0.7, fear=0.0, neglect=0.0, disruption=0.0
    ),
    # a source of comfort and of fear at once (abuse, frightened/frightening behaviour)
    "frightening": dict(
        sensitivity=0.55, consistency=0.5, rejection=0.3, fear=0.004, neglect=0.0, disruption=0.0
    ),
}

# Caregiver populations a model can be built from. "balanced" gives each caregiver one of the
# four presets with equal chance: a teaching population in which every style is common.
MIXES = ("normative", "high_risk", "balanced", *PRESETS, "spectrum")


@dataclass
class CaregiverTraits:
    """Caregiver dimensions, one array entry per caregiver (see DIMENSIONS)."""

    sensitivity: np.ndarray
    consistency: np.ndarray
    rejection: np.ndarray
    fear: np.ndarray
    neglect: np.ndarray
    disruption: np.ndarray

    def __len__(self) -> int:
        return len(self.sensitivity)

    def row(self, i: int) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)[i]) for f in fields(self)}

    def replace_rows(self, rows: np.ndarray, other: CaregiverTraits) -> None:
        """Overwrite the caregivers at ``rows`` with the first len(rows) of ``other``."""
        for f in fields(self):
            getattr(self, f.name)[rows] = getattr(other, f.name)[: len(rows)]


def spectrum_preset(position: float) -> dict[str, float]:
    """Caregiving at a point of the consistent (0) - inconsistent (0.5) - rejecting (1) line."""
    if position <= 0.5:
        a, b, t = PRESETS["consistent"], PRESETS["inconsistent"], position / 0.5
    else:
        a, b, t = PRESETS["inconsistent"], PRESETS["rejecting"], (position - 0.5) / 0.5
    return {k: (1 - t) * a[k] + t * b[k] for k in DIMENSIONS}


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# Mix definitions. Sensitivity, consistency and rejection vary continuously and only partly
# together (correlations about .4, as between observed maternal sensitivity scales); fear and
# neglect are present in a minority of families. The high-risk mix follows maltreatment and
# poverty samples: lower, less consistent sensitivity, more rejection, fear, neglect and loss.
_MIX_SPEC: dict[str, dict[str, float]] = {
    "normative": dict(
        sens_mu=0.7,
        sens_sd=0.4,
        cons_mu=0.8,
        cons_sd=0.9,
        rej_mu=1.25,
        rej_sd=0.7,
        fear_share=0.17,
        fear_lo=0.0005,
        fear_hi=0.006,
        neglect_share=0.04,
        neglect_lo=0.1,
        neglect_hi=0.4,
        disruption=0.04,
    ),
    "high_risk": dict(
        sens_mu=-0.1,
        sens_sd=0.7,
        cons_mu=-0.9,
        cons_sd=0.8,
        rej_mu=1.6,
        rej_sd=0.8,
        fear_share=0.4,
        fear_lo=0.001,
        fear_hi=0.01,
        neglect_share=0.2,
        neglect_lo=0.1,
        neglect_hi=0.5,
        disruption=0.15,
    ),
}
_CORRELATION = np.array(
    [
        [1.0, 0.4, -0.4],  # sensitivity
        [0.4, 1.0, -0.2],  # consistency
        [-0.4, -0.2, 1.0],  # rejection
    ]
)


# correlated normals as z @ L.T with L L^T = the correlation (no decomposition per call)
_CORRELATION_ROOT = np.linalg.cholesky(_CORRELATION)


def draw_caregivers(
    mix: str, n: int, rng: np.random.Generator, spectrum: float = 0.5
) -> CaregiverTraits:
    """Draw ``n`` caregivers from a named population (a mix, a preset, or the spectrum)."""
    if mix in PRESETS or mix == "spectrum":
        values = PRESETS[mix] if mix in PRESETS else spectrum_preset(spectrum)
        return CaregiverTraits(**{k: np.full(n, values[k], dtype=float) for k in DIMENSIONS})
    if mix == "balanced":
        table = np.array([[PRESETS[p][k] for k in DIMENSIONS] for p in PRESETS])
        rows = table[rng.integers(0, len(PRESETS), n)]
        return CaregiverTraits(**{k: rows[:, j].copy() for j, k in enumerate(DIMENSIONS)})
    if mix not in _MIX_SPEC:
        raise ValueError(f"unknown caregiver mix {mix!r}: allowed {', '.join(MIXES)}")
    spec = _MIX_SPEC[mix]
    z = rng.standard_normal((n, 3)) @ _CORRELATION_ROOT.T
    has_fear = rng.random(n) < spec["fear_share"]
    fear_level = rng.uniform(spec["fear_lo"], spec["fear_hi"], n)
    has_neglect = rng.random(n) < spec["neglect_share"]
    neglect_level = rng.uniform(spec["neglect_lo"], spec["neglect_hi"], n)
    return CaregiverTraits(
        sensitivity=logistic(spec["sens_mu"] + spec["sens_sd"] * z[:, 0]),
        consistency=logistic(spec["cons_mu"] + spec["cons_sd"] * z[:, 1]),
        rejection=logistic(spec["rej_mu"] + spec["rej_sd"] * z[:, 2]),
        fear=np.where(has_fear, fear_level, 0.0),
        neglect=np.where(has_neglect, neglect_level, 0.0),
        disruption=np.full(n, spec["disruption"]),
    )


def nearest_style(traits: CaregiverTraits) -> np.ndarray:
    """Name of the preset each caregiver most resembles (for colouring, never for classifying)."""
    names = list(PRESETS)
    # Fear is measured against the frightening preset's rate (rare but decisive), neglect is
    # weighted up likewise; disruption is an event, not a style.
    weights = np.array([1.0, 1.0, 1.0, 1.0 / PRESETS["frightening"]["fear"], 3.0, 0.0])
    own = np.stack([getattr(traits, k) for k in DIMENSIONS], axis=1)
    ref = np.array([[PRESETS[p][k] for k in DIMENSIONS] for p in names])
    distance = (((own[:, None, :] - ref[None, :, :]) * weights) ** 2).sum(axis=2)
    return np.array(names)[distance.argmin(axis=1)]


def daily_availability(
    traits: CaregiverTraits, unavailable: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Chance that today an ordinary bid is answered (``u``: one uniform per caregiver).

    A consistent caregiver gives her sensitivity every day; an inconsistent one alternates between
    fully attentive and neglectful days with the same long-run mean (mean = sensitivity, day-to-day
    variance = s(1-s)(1-consistency)^2). Days inside a neglect spell or a loss are zero.
    """
    s, k = traits.sensitivity, traits.consistency
    attentive_day = u < s
    return np.where(unavailable, 0.0, k * s + (1.0 - k) * attentive_day)


def neglect_transition(
    in_spell: np.ndarray, neglect: np.ndarray, spell_days: float, u: np.ndarray
) -> np.ndarray:
    """Advance the two-state neglect process one day with one uniform ``u`` per dyad (unused
    where the caregiver never neglects); the long-run share of spell days = neglect."""
    out = np.zeros(len(neglect), dtype=bool)
    _neglect_transition(np.asarray(in_spell, dtype=bool), neglect, float(spell_days), u, out)
    return out


@numba.njit(cache=True)
def _neglect_transition(
    in_spell: np.ndarray, neglect: np.ndarray, spell_days: float, u: np.ndarray, out: np.ndarray
) -> None:
    leave = 1.0 / spell_days
    for i in range(len(neglect)):
        if neglect[i] > 0:  # only a neglectful caregiver can be in a spell
            if in_spell[i]:
                out[i] = u[i] >= leave
            else:
                enter = neglect[i] / (spell_days * max(1.0 - neglect[i], 1e-9))
                out[i] = u[i] < min(enter, 1.0)


@dataclass
class CareOutcome:
    """Counts of the caregiver's responses to one day's bids, per dyad."""

    bids: np.ndarray
    comforted: np.ndarray
    missed: np.ndarray
    rebuffed: np.ndarray
    frightened: np.ndarray


def respond_to_bids(
    bids: np.ndarray,
    intensity: np.ndarray,
    availability: np.ndarray,
    rejection: np.ndarray,
    fear: np.ndarray,
    rng: np.random.Generator,
) -> CareOutcome:
    """Caregiver responses to ``bids`` bids of a given ``intensity`` (1 = an ordinary bid).

    A bid is frightened with probability ``fear``; otherwise it is comforted with probability
    1 - (1 - availability)^intensity (louder bids are noticed more, muted bids less), and an
    unanswered bid is rebuffed with probability ``rejection``, else simply missed.
    """
    frightened = rng.binomial(bids, fear)
    rest = bids - frightened
    p_comfort = 1.0 - (1.0 - availability) ** intensity
    comforted = rng.binomial(rest, p_comfort)
    rebuffed = rng.binomial(rest - comforted, rejection)
    missed = rest - comforted - rebuffed
    return CareOutcome(bids, comforted, missed, rebuffed, frightened)


# The four answers a bid can get, in the order of ``answer_shares``.
ANSWERS = ("frightened", "comforted", "rebuffed", "missed")


def answer_shares(
    intensity: np.ndarray,
    availability: np.ndarray,
    rejection: np.ndarray | float,
    fear: np.ndarray | float,
) -> np.ndarray:
    """The chance that one bid is frightened, comforted, rebuffed or missed (axis 0, as in
    ``ANSWERS``): the answers of ``respond_to_bids``, bid by bid."""
    fear = np.broadcast_to(fear, np.shape(availability))
    comforted = (1.0 - fear) * (1.0 - (1.0 - availability) ** intensity)
    rebuffed = (1.0 - fear - comforted) * rejection
    return np.stack([fear, comforted, rebuffed, 1.0 - fear - comforted - rebuffed])


def answer_each_bid(
    bids: np.ndarray,
    shares: np.ndarray,
    soothability: np.ndarray,
    u: np.ndarray,
    first: np.ndarray | None = None,
) -> np.ndarray:
    """Each of a day's bids gets one answer, and a comforted bid settles the infant with chance
    ``soothability``. ``u`` holds one uniform per bid: person i's are ``u[first[i]:first[i] +
    bids[i]]`` (by default person 0's bids, then person 1's, ...). Returns counts per person
    (axis 0): frightened, comforted, rebuffed, missed, settled (settled bids are among the
    comforted)."""
    bids = np.asarray(bids, dtype=np.int64)
    if first is None:
        first = np.cumsum(bids) - bids
    # each bid's limits between answers: frightened | comforted | rebuffed | missed
    frightened = shares[0]
    comforted = frightened + shares[1]
    rebuffed = comforted + shares[2]
    # where in the "comforted" interval a bid's uniform fell is itself uniform: it decides the
    # settling
    settles_below = soothability * (comforted - frightened)
    counts = np.zeros((5, len(bids)), dtype=np.int64)
    _count_answers(bids, first, u, frightened, comforted, rebuffed, settles_below, counts)
    return counts


@numba.njit(cache=True)
def _count_answers(
    bids: np.ndarray,
    first: np.ndarray,
    u: np.ndarray,
    frightened: np.ndarray,
    comforted: np.ndarray,
    rebuffed: np.ndarray,
    settles_below: np.ndarray,
    counts: np.ndarray,
) -> None:
    # compiled, and without branches: a bid's answer is as random as a coin, so a branch on it
    # would be mispredicted half the time
    for i in range(len(bids)):
        f, c, r, s = frightened[i], comforted[i], rebuffed[i], settles_below[i]
        n0 = n1 = n2 = n3 = n4 = 0
        for j in range(first[i], first[i] + bids[i]):
            x = u[j]
            answer = (x >= f) + (x >= c) + (x >= r)
            n0 += answer == 0
            n1 += answer == 1
            n2 += answer == 2
            n3 += answer == 3
            n4 += (answer == 1) & (x - f < s)
        counts[0, i] = n0
        counts[1, i] = n1
        counts[2, i] = n2
        counts[3, i] = n3
        counts[4, i] = n4
