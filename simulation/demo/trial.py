"""The class's intervention trial in numbers: its moments, its two arms and what each arm gained.

Arms are named as the run's tables name them ("treated", "control"); the model codes them 1 and
0 (-1: not in the trial). These are the model's own scores, without questionnaire error.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.model.infancy import OBSERVATION_AGE_SHARE
from simulation.model.interventions import FOLLOW_UP_YEARS, INFANCY_INTERVENTIONS, programme_steps
from simulation.model.life_course import ADULT_AGE, WEEKS_PER_STEP, WEEKS_PER_YEAR
from simulation.model.parameters import PARAMETERS

if TYPE_CHECKING:
    from simulation.model import AttachmentModel

ARMS = {"treated": 1, "control": 0}  # name -> the model's code


def arm_means(age: float, frame: np.ndarray, arm: np.ndarray) -> tuple[float, ...]:
    """(age, treated anxiety, treated avoidance, control anxiety, control avoidance) from one
    frame of ECR scores; NaN for an empty arm."""
    row = [age]
    for code in ARMS.values():
        who = arm == code
        row += list(frame[:, who].mean(axis=1)) if who.any() else [math.nan, math.nan]
    return tuple(float(x) for x in row)


def trial_marks(model: AttachmentModel) -> list[tuple[str, float]]:
    """The intervention's moments as ages: the start, the end and the follow-up 1 year later
    (adult ones); the start, the end of the home observation and the Strange Situation (the
    caregiver programme)."""
    if model.params["intervention"] in INFANCY_INTERVENTIONS:
        return [
            ("starts", model.trial.infant_day / model.days),
            ("sensitivity observed", OBSERVATION_AGE_SHARE),
            ("Strange Situation", 1.0),
        ]
    return [
        (name, ADULT_AGE + weeks / WEEKS_PER_YEAR)
        for name, weeks in (
            ("starts", model.trial.start),
            ("ends", model.trial.end),
            ("follow-up", model.trial.follow_up),
        )
    ]


def arm_sizes(model: AttachmentModel) -> dict[str, int]:
    """People randomised to each arm (none before the start)."""
    return {name: int((model.trial.arm == code).sum()) for name, code in ARMS.items()}


def adult_trial_changes(model: AttachmentModel) -> dict[str, dict[str, float]] | None:
    """After an adult intervention's follow-up, per arm: people, the mean change of anxiety and
    avoidance from the start to the follow-up, and the share secure before and after (NaN for
    an empty arm). None before the follow-up."""
    m = model.trial.measures
    if "followup_true_avoidance_ecr" not in m:
        return None
    out = {}
    for name, code in ARMS.items():
        who = model.trial.arm == code
        some = bool(who.any())

        def mean(x: np.ndarray, some: bool = some) -> float:
            return float(np.mean(x)) if some else math.nan

        out[name] = {
            "people": int(who.sum()),
            **{
                k: mean(m[f"followup_true_{k}_ecr"][who] - m[f"baseline_true_{k}_ecr"][who])
                for k in ("anxiety", "avoidance")
            },
            "secure before": mean(m["baseline_category"][who] == "secure"),
            "secure": mean(m["followup_category"][who] == "secure"),
        }
    return out


def infant_trial_result(model: AttachmentModel) -> dict[str, dict[str, float]] | None:
    """The caregiver programme at 12 months, per arm: infants, the caregivers' observed
    sensitivity (home visits, to 9 months) and the share of secure (B) infants."""
    if model.params["intervention"] not in INFANCY_INTERVENTIONS or model.ssp is None:
        return None
    observed, classes = model.infancy.observed_sensitivity, model.ssp.attachment_class
    result = {}
    for name, code in ARMS.items():
        who = model.trial.arm == code
        result[name] = {
            "infants": int(who.sum()),
            "observed sensitivity": float(np.nanmean(observed[who])) if who.any() else math.nan,
            "secure (B)": float(np.mean(classes[who] == "B")) if who.any() else math.nan,
        }
    return result


def programme_length(params: dict[str, Any]) -> int:
    """How many weeks an adult programme lasts (whole 13-week steps)."""
    return WEEKS_PER_STEP * programme_steps(params)


def latest_adult_start(params: dict[str, Any]) -> float:
    """The latest start (to a quarter year) whose follow-up still fits in the longest run the
    parameter table allows."""
    years = programme_length(params) / WEEKS_PER_YEAR + FOLLOW_UP_YEARS
    return int(4 * (PARAMETERS["horizon_years"].high - years)) / 4
