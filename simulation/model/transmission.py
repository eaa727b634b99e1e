"""The next generation: how a parent's working model and circumstances become the care their
infant gets. Plain, vectorised functions (one array entry per parent).

Care follows from the same dispositions that drive the parent's adult relationships, through the
same mechanisms, never from a table that maps a category to a kind of care:
- a deactivating (dismissing) parent's attention is elsewhere, as with a partner's bids, and the
  infant's distress is aversive, so unanswered bids are rebuffed (Main 1990; Ainsworth 1978);
- a hyperactivating (preoccupied) parent is at times absorbed in their own needs, so their
  availability depends on their own state: lower and less predictable (Cassidy & Berlin 1994);
- fear of attachment figures that was never resolved shows as frightened or frightening
  behaviour (Main & Hesse 1990), the path to disorganisation;
- a parent who is both deactivating and without self-worth withdraws for stretches (neglect);
- a partner's support buffers caregiving, a single or unhappy parent carries more strain
  (Belsky 1984, the determinants of parenting).
Each dimension also gets noise (stress, other children, everything the model leaves out).
"""

from __future__ import annotations

import numpy as np

from simulation.model.caregiving import CaregiverTraits, logistic
from simulation.model.life_course import logit
from simulation.model.partners import Dispositions

# Care of a parent with a fully secure working model, unstrained. The base levels here are
# calibrated so that the parents raised by the normative mix give care like that mix on average
# (sensitivity about .65, consistency .66, rejection .75), and the fear and neglect scales below
# so that the class shares stay about the same from generation to generation: a population that
# starts from the normative mix roughly reproduces itself instead of drifting. The slopes (how
# dispositions move care) are the mechanisms.
BASE_SENSITIVITY = 0.88
BASE_CONSISTENCY = 0.8
BASE_REJECTION = 0.7
# As with a partner's bid: a deactivating partner notices half as much at full deactivation.
DEACTIVATION_INATTENTION = 0.5
# A hyperactivated parent is absorbed in their own need about a quarter of the time (an adult's
# weekly need rate 0.5 x half absorbed, as with partners).
HYPERACTIVATION_ABSORPTION = 0.25
# Availability that depends on one's own state: consistency falls to the inconsistent preset's
# 0.25 at full hyperactivation.
HYPERACTIVATION_INCONSISTENCY = 0.72
# Distress felt as aversive: deactivation closes this share of the gap from BASE_REJECTION to
# always rebuffing (0.7 + 0.8 x 0.3 = 0.94 at full deactivation).
DEACTIVATION_REJECTION = 0.8
# Frightened or frightening behaviour at full unresolved fear (a little below the frightening
# preset's .004). Parents' mean fear comes out near .0004, below the normative mix's .0006: spread
# over many parents, fear disorganises more infants per unit than the mix's few frightening
# caregivers, and at the mix's mean the share of D rose from generation to generation.
FEAR_AT_FULL_CONFLICT = 0.0034
# Share of days in withdrawal spells at full deactivation with no self-worth (parents' mean about
# .006 of days, against the normative mix's .01 concentrated in 4% of caregivers).
NEGLECT_AT_FULL = 0.45
# Strain without a partner's support takes this share off sensitivity (none if fully satisfied).
STRAIN = 0.15
# A loss or long separation in the child's first year (the normative mix's rate).
DISRUPTION = 0.04


def parental_care(
    d: Dispositions,
    partnered: np.ndarray,
    satisfaction: np.ndarray,
    noise: float,
    rng: np.random.Generator,
) -> CaregiverTraits:
    """The care each parent gives their infant, from the parent's dispositions at the birth,
    their relationship (``partnered``, ``satisfaction`` 0-1, NaN when single) and noise (sd on
    the logit scale)."""
    n = len(d.hyper)
    support = np.where(partnered, np.nan_to_num(satisfaction, nan=0.0), 0.0)
    sensitivity = (
        BASE_SENSITIVITY
        * (1.0 - DEACTIVATION_INATTENTION * d.deact)
        * (1.0 - HYPERACTIVATION_ABSORPTION * d.hyper)
        * (1.0 - STRAIN * (1.0 - support))
    )
    consistency = BASE_CONSISTENCY * (1.0 - HYPERACTIVATION_INCONSISTENCY * d.hyper)
    rejection = BASE_REJECTION + DEACTIVATION_REJECTION * d.deact * (1.0 - BASE_REJECTION)
    z = noise * rng.standard_normal((5, n))
    # rare behaviours get log-normal noise that keeps their mean (exp(z - noise^2 / 2) has mean 1)
    spread = np.exp(z[3:] - noise**2 / 2.0)
    return CaregiverTraits(
        sensitivity=logistic(logit(sensitivity) + z[0]),
        consistency=logistic(logit(consistency) + z[1]),
        rejection=logistic(logit(rejection) + z[2]),
        fear=np.minimum(FEAR_AT_FULL_CONFLICT * d.conflict * spread[0], 1.0),
        neglect=np.minimum(
            NEGLECT_AT_FULL * (d.deact * (1.0 - d.self_model)) ** 2 * spread[1], 0.9
        ),
        disruption=np.full(n, DISRUPTION),
    )
