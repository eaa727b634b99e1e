"""Growing up: plasticity over age, life events of the caregiver, other relationships, and the
adult measures (ECR scale, Bartholomew's four categories). Plain, vectorised functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Life stages and the length of one step in each (days in infancy, months to 18, weeks after).
INFANCY, CHILDHOOD, ADOLESCENCE, ADULTHOOD = "infancy", "childhood", "adolescence", "adulthood"
ADOLESCENCE_AGE = 12
ADULT_AGE = 18
MONTHS_PER_YEAR = 12
WEEKS_PER_YEAR = 52
# Adult steps are 13 weeks (a quarter of a year) long, each week of partner interaction drawn
# separately, so a whole life course runs in well under a second. Adult plasticity is low (a
# working model moves by about 0.5% in a typical quarter, 1.5% at most), so holding dispositions
# at their start-of-step values for 13 weeks changes little; closeness too is updated week by
# week but read at the start of the step.
WEEKS_PER_STEP = 13
# The mean length of a month in days (365 / 12), for rates given per day.
DAYS_PER_MONTH = 30.4

# Bartholomew's four adult categories, and the infant class each continues (Main, Hesse).
CATEGORIES = ("secure", "preoccupied", "dismissing", "fearful")
COUNTERPART = {"B": "secure", "C": "preoccupied", "A": "dismissing", "D": "fearful"}

# A child turns to the caregiver for comfort less often as it grows (self-regulation, peers):
# the infant's daily rate falls as age^-CAREGIVER_BID_DECLINE.
CAREGIVER_BID_DECLINE = 0.5
# Bids for comfort or support to other people (peers, teachers, friends) per month.
OTHERS_BIDS_PER_MONTH = 12.0
# Unanswered bids to other people are more often rebuffed (teasing, a brush-off) than missed.
OTHERS_REJECTION = 0.3
# Spread of others' responsiveness between people (Beta concentration around the mean).
OTHERS_CONCENTRATION = 8.0
# While the caregiver is ill (depression, long illness), the day's availability is scaled by this.
ILLNESS_SENSITIVITY = 0.4
# How long a caregiver's illness lasts, in months.
ILLNESS_MONTHS = 6
# How long a separation from the caregiver lasts, in months.
SEPARATION_MONTHS = 3
# When separated from the caregiver, relatives answer some bids.
SEPARATED_AVAILABILITY = 0.2
# A "new stable caregiver" (a step-parent, a foster parent, a grandparent who takes over).
STABLE_CAREGIVER = dict(
    sensitivity=0.8, consistency=0.85, rejection=0.15, fear=0.0, neglect=0.0, disruption=0.0
)


# Caregiving fluctuates around each caregiver's own level from year to year (stress, work, other
# children, the child's own changes): maternal sensitivity is only moderately stable across the
# early years (NICHD Early Child Care Research Network 1999; r about .4-.6). The deviation from a
# caregiver's level follows a yearly AR(1) process on the logit scale with this persistence.
FLUCTUATION_PERSISTENCE = 0.7
FLUCTUATING = ("sensitivity", "consistency", "rejection")


def fluctuate(deviation: np.ndarray, sd: float, rng: np.random.Generator) -> np.ndarray:
    """Next year's deviations (logit units) of caregiving from each caregiver's own level; the
    long-run sd of a deviation is ``sd``."""
    rho = FLUCTUATION_PERSISTENCE
    return rho * deviation + sd * np.sqrt(1.0 - rho**2) * rng.standard_normal(deviation.shape)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-3, 1.0 - 1e-3)
    return np.log(p / (1.0 - p))


def plasticity(age_years: float, floor: float, halflife_years: float) -> float:
    """Share of infant plasticity left at an age: 1 through the first year, then halving every
    ``halflife_years`` towards ``floor`` (> 0), so working models never stop changing."""
    if age_years <= 1.0:
        return 1.0
    return floor + (1.0 - floor) * 0.5 ** ((age_years - 1.0) / halflife_years)


def caregiver_bids_per_month(
    distress_rate: float, reactivity: np.ndarray, age_years: float
) -> np.ndarray:
    """Expected bids to the caregiver in one month of childhood (falls with age)."""
    return distress_rate * reactivity * DAYS_PER_MONTH * age_years**-CAREGIVER_BID_DECLINE


def draw_others(mean: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Responsiveness of the other people in each person's life this year (peers, teachers)."""
    a = mean * OTHERS_CONCENTRATION
    return rng.beta(max(a, 1e-3), max(OTHERS_CONCENTRATION - a, 1e-3), n)


@dataclass
class LifeEvents:
    """This month's caregiver events, one boolean per person."""

    loss: np.ndarray  # the caregiver is lost for good; a caregiver from the mix follows
    separation: np.ndarray  # the caregiver is away for some months, then returns
    illness: np.ndarray  # the caregiver is ill (less sensitive) for some months
    stable_caregiver: np.ndarray  # a new, stable and sensitive caregiver takes over

    def any(self) -> bool:
        return bool(
            self.loss.any()
            or self.separation.any()
            or self.illness.any()
            or self.stable_caregiver.any()
        )


def monthly_events(rates_per_year: dict[str, float], u: np.ndarray) -> LifeEvents:
    """Each event independently, its yearly rate turned into a monthly probability (``u``: four
    uniforms per person, one per event)."""
    names = ("loss", "separation", "illness", "stable_caregiver")
    p = np.array([[1.0 - math.exp(-rates_per_year[k] / MONTHS_PER_YEAR)] for k in names])
    hit = u < p
    return LifeEvents(*hit)


def ecr_scale(score: np.ndarray) -> np.ndarray:
    """A 0-1 anxiety or avoidance score on the 1-7 scale of the ECR questionnaire."""
    return 1.0 + 6.0 * np.asarray(score)


def adult_category(
    anxiety_ecr: np.ndarray,
    avoidance_ecr: np.ndarray,
    anxiety_cutoff: float,
    avoidance_cutoff: float,
) -> np.ndarray:
    """Bartholomew's four categories from the two dimensions with fixed cut-offs."""
    anxious = np.asarray(anxiety_ecr) >= anxiety_cutoff
    avoidant = np.asarray(avoidance_ecr) >= avoidance_cutoff
    index = anxious.astype(int) + 2 * avoidant.astype(int)  # 0 secure 1 preocc. 2 dism. 3 fearful
    return np.asarray(CATEGORIES)[index]
