"""The one table of model parameters: name, default, allowed range, unit and meaning.

Validation, the command line (``--set``), the demo's controls and the docs all read this table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from simulation.model.caregiving import MIXES
from simulation.model.interventions import (
    COUPLE_INTERVENTIONS,
    FOLLOW_UP_YEARS,
    INFANCY_INTERVENTIONS,
    INFANT_PROGRAMME_LATEST,
    INTERVENTIONS,
    SINGLES_INTERVENTIONS,
    TARGETS,
    end_age,
    follow_up_age,
)
from simulation.model.life_course import ADULT_AGE
from simulation.model.partners import MATCHING_RULES


class ParameterError(ValueError):
    """A parameter, preset or mix that is unknown or out of range (message is one line)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    meaning: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    kind: type = float
    choices: tuple[str, ...] = ()
    optional: bool = False  # None is allowed and means "not set: use the caregiver mix"
    group: str = "model"

    def allowed(self) -> str:
        if self.choices:
            text = "one of " + ", ".join(self.choices)
        else:
            kind = "an integer" if self.kind is int else "a number"
            text = f"{kind} from {self.low:g} to {self.high:g}"
        return text + (" (or none)" if self.optional else "")

    def check(self, value: Any) -> Any:
        """Return the value converted to the parameter's type, or raise ParameterError."""
        if self.choices and str(value) in self.choices:  # a choice may be called "none"
            return str(value)
        if value is None or (isinstance(value, str) and value.lower() in ("none", "")):
            if self.optional:
                return None
            raise ParameterError(f"parameter '{self.name}' = {value!r}: allowed {self.allowed()}")
        if self.choices:
            if str(value) not in self.choices:
                raise ParameterError(
                    f"parameter '{self.name}' = {value!r} is unknown: allowed {self.allowed()}"
                )
            return str(value)
        try:
            if self.kind is int:
                as_float = float(value)
                if as_float != int(as_float):
                    raise ValueError
                converted: float | int = int(as_float)
            else:
                converted = float(value)
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is not a number: allowed {self.allowed()}"
            ) from None
        if converted != converted or not (self.low <= converted <= self.high):  # NaN or range
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is out of range: allowed {self.allowed()}"
            )
        return converted


def _caregiver(name: str, meaning: str, unit: str = "probability", high: float = 1.0) -> Parameter:
    """A caregiver dimension: unset, it comes from the mix; set, every caregiver has it."""
    return Parameter(
        name,
        None,
        f"{meaning}; set: every caregiver (none = drawn from the mix)",
        unit,
        0.0,
        high,
        optional=True,
        group="caregiver",
    )


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- population -------------------------------------------------------------------
        Parameter("n_dyads", 100, "number of caregiver-infant pairs", "dyads", 1, 100_000, int),
        Parameter(
            "caregivers",
            "normative",
            "caregiver population: a mix (normative, high_risk, balanced = a quarter of each"
            " preset), one preset for every caregiver, or 'spectrum' (see the spectrum parameter)",
            kind=str,
            choices=tuple(MIXES),
        ),
        Parameter(
            "spectrum",
            0.5,
            "with caregivers=spectrum: 0 consistent, 0.5 inconsistent, 1 rejecting",
            "0-1",
            0.0,
            1.0,
        ),
        # --- caregiver dimensions: set one to give every caregiver that value ------------------
        _caregiver("sensitivity", "share of ordinary bids answered with comfort"),
        _caregiver(
            "consistency",
            "how predictable responsiveness is from day to day (1 = same every day)",
            "0-1",
        ),
        _caregiver("rejection", "share of unanswered bids that are rebuffed rather than missed"),
        _caregiver("fear", "share of bids met with frightening behaviour (abuse, alarm)"),
        _caregiver(
            "neglect",
            "share of days inside stretches of unavailability (severe neglect)",
            "share of days",
            high=0.9,
        ),
        _caregiver("disruption", "probability of losing the caregiver during the first year"),
        Parameter(
            "neglect_spell_days",
            10.0,
            "mean length of one stretch of unavailability",
            "days",
            1.0,
            90.0,
        ),
        Parameter(
            "disruption_gap_days",
            21.0,
            "days without an attachment figure after a loss, before the new caregiver",
            "days",
            0.0,
            120.0,
        ),
        # --- infant ----------------------------------------------------------------------------
        Parameter(
            "distress_rate",
            6.0,
            "mean distress episodes (bids for comfort) per day of an average-temperament infant",
            "per day",
            0.5,
            30.0,
        ),
        Parameter(
            "temperament_sd",
            0.35,
            "spread of infant reactivity between infants (log-normal sigma)",
            "log units",
            0.0,
            1.5,
        ),
        Parameter(
            "infant_effect",
            0.1,
            "how much an easily distressed infant strains the care it gets: availability is "
            "scaled by reactivity^-infant_effect (0 = no effect)",
            "exponent",
            0.0,
            2.0,
        ),
        Parameter(
            "susceptibility",
            0.0,
            "differential susceptibility: the learning rate is scaled by"
            " reactivity^susceptibility, so easily distressed children learn more from good and"
            " from bad care alike (0 = every temperament learns alike)",
            "exponent",
            0.0,
            3.0,
        ),
        Parameter(
            "self_blame",
            0.0,
            "how much the strategy in use colours what an unanswered bid says about the self:"
            " it weighs ((1 - deactivation) (1 + hyperactivation))^self_blame (0 = alike for"
            " everyone)",
            "exponent",
            0.0,
            3.0,
        ),
        Parameter(
            "learning_rate",
            0.006,
            "plasticity in infancy: weight of one experienced bid in the working-model update",
            "per bid",
            0.001,
            0.5,
        ),
        Parameter(
            "days",
            365,
            "length of the simulated first year; the Strange Situation is run on the last day",
            "days",
            30,
            3650,
            int,
        ),
        # --- life course -----------------------------------------------------------------------
        Parameter(
            "horizon_years",
            30,
            "age at which the run ends (1 = the first year only, ending in the Strange Situation);"
            " monthly steps to 18, weekly steps after",
            "years",
            1,
            80,
            int,
            group="life course",
        ),
        Parameter(
            "continuity",
            "prototype",
            "how working models carry forward: 'prototype' (the 12-month model keeps pulling later"
            " models back) or 'revisionist' (only the running sum of experience)",
            kind=str,
            choices=("prototype", "revisionist"),
            group="life course",
        ),
        Parameter(
            "prototype_weight",
            1.0,
            "with continuity=prototype: pull towards the 12-month model, relative to the weight of"
            " new experience in each update",
            "ratio",
            0.0,
            10.0,
            group="life course",
        ),
        Parameter(
            "plasticity_floor",
            0.05,
            "share of infant plasticity left in old age (plasticity never reaches zero)",
            "share",
            0.01,
            1.0,
            group="life course",
        ),
        Parameter(
            "plasticity_halflife_years",
            4.0,
            "years after the first over which the plasticity above the floor halves",
            "years",
            0.25,
            50.0,
            group="life course",
        ),
        Parameter(
            "loss_rate",
            0.005,
            "chance per year in childhood of losing the caregiver for good (a new one follows)",
            "per year",
            0.0,
            1.0,
            group="life course",
        ),
        Parameter(
            "separation_rate",
            0.02,
            "chance per year in childhood of a 3-month separation from the caregiver",
            "per year",
            0.0,
            2.0,
            group="life course",
        ),
        Parameter(
            "illness_rate",
            0.03,
            "chance per year in childhood that the caregiver falls ill or depressed for 6 months"
            " (that day's availability x 0.4)",
            "per year",
            0.0,
            2.0,
            group="life course",
        ),
        Parameter(
            "stable_caregiver_rate",
            0.005,
            "chance per year in childhood that a new, stable and sensitive caregiver takes over",
            "per year",
            0.0,
            1.0,
            group="life course",
        ),
        Parameter(
            "caregiving_fluctuation",
            0.5,
            "after the first year, how far a caregiver's sensitivity, consistency and rejection"
            " wander from year to year around their own level (sd on the logit scale; 0 = fixed)",
            "logit sd",
            0.0,
            3.0,
            group="life course",
        ),
        Parameter(
            "others_sensitivity",
            0.6,
            "mean responsiveness of other people (peers, teachers, friends); each person's others"
            " are drawn at the first birthday and changed by others_turnover",
            "probability",
            0.0,
            1.0,
            group="life course",
        ),
        Parameter(
            "others_turnover",
            1.0,
            "share of people whose circle of other people (friends, peers, teachers) is new in a"
            " year; the rest keep theirs (1 = everyone's others are drawn anew every year)",
            "per year",
            0.0,
            1.0,
            group="life course",
        ),
        # --- adulthood ---------------------------------------------------------------------
        Parameter(
            "matching",
            "attraction",
            "partner matching: 'random', 'assortative' (by security) or 'attraction' (both must"
            " accept how they read the other's closeness, given their own working model)",
            kind=str,
            choices=MATCHING_RULES,
            group="adulthood",
        ),
        Parameter(
            "meeting_rate",
            2.0,
            "from 18, how often a single meets a potential partner",
            "per year",
            0.0,
            52.0,
            group="adulthood",
        ),
        Parameter(
            "need_rate",
            0.5,
            "chance per week that an adult has a need for a partner's comfort or support",
            "per week",
            0.0,
            1.0,
            group="adulthood",
        ),
        Parameter(
            "relationship_sd",
            0.0,
            "how much a relationship works well or badly of its own, beyond the partners' working"
            " models: each couple's noticing of bids is scaled by 2 logistic(relationship_sd z)"
            " (0 = as the models imply)",
            "logit sd",
            0.0,
            5.0,
            group="adulthood",
        ),
        Parameter(
            "breakup_hurt",
            0.0,
            "what a breakup teaches each partner, as a number of bids that found nobody there"
            " (read as abandonment), learned at once (0 = nothing beyond the partner's absence)",
            "bids",
            0.0,
            1000.0,
            group="adulthood",
        ),
        Parameter(
            "breakup_rate",
            0.15,
            "breakup rate of a couple whose less satisfied partner has satisfaction 0.6 (far"
            " higher when lower)",
            "per year",
            0.0,
            5.0,
            group="adulthood",
        ),
        Parameter(
            "anxiety_cutoff",
            3.6,
            "anxiety (ECR 1-7) at or above which a person counts as anxious (preoccupied or"
            " fearful); secure = below both cut-offs, from age 1 on",
            "ECR points",
            1.0,
            7.0,
            group="measurement",
        ),
        Parameter(
            "avoidance_cutoff",
            3.4,
            "avoidance (ECR 1-7) at or above which a person counts as avoidant (dismissing or"
            " fearful)",
            "ECR points",
            1.0,
            7.0,
            group="measurement",
        ),
        # --- interventions (ways towards security) ------------------------------------------
        Parameter(
            "intervention",
            "none",
            "a way towards security given to a randomised share of the target group (the rest of"
            " the group are its controls): " + ", ".join(INTERVENTIONS),
            kind=str,
            choices=("none", *INTERVENTIONS),
            group="interventions",
        ),
        Parameter(
            "intervention_target",
            "everyone",
            "who may take part, by Bartholomew category when it starts ("
            + ", ".join(COUPLE_INTERVENTIONS)
            + ": couples only; "
            + ", ".join(SINGLES_INTERVENTIONS)
            + ": single people only; "
            + ", ".join(INFANCY_INTERVENTIONS)
            + ": everyone)",
            kind=str,
            choices=TARGETS,
            group="interventions",
        ),
        Parameter(
            "intervention_share",
            0.5,
            "chance that an eligible unit (a couple, or a single person) is treated; the other"
            " eligible people are the controls",
            "probability",
            0.0,
            1.0,
            group="interventions",
        ),
        Parameter(
            "intervention_age",
            25.0,
            "age when the intervention starts (from 18; caregiver_sensitivity: the infant's age,"
            f" at most {INFANT_PROGRAMME_LATEST:g} so it precedes the 9-month observation)",
            "years",
            0.0,
            79.0,
            group="interventions",
        ),
        Parameter(
            "intervention_weeks",
            26,
            "how long it lasts (adult ones in whole 13-week steps, rounded up); effects are"
            f" measured {FOLLOW_UP_YEARS} year after it ends",
            "weeks",
            1,
            520,
            int,
            group="interventions",
        ),
        Parameter(
            "intervention_dose",
            1.0,
            "strength of the intervention (0 = nothing at all, 1 = the full programme)",
            "0-1",
            0.0,
            1.0,
            group="interventions",
        ),
        # --- generations ---------------------------------------------------------------------
        Parameter(
            "generations",
            1,
            "generations simulated: each person becomes the caregiver of one child, whose care"
            " follows from the parent's working model and circumstances at the birth",
            "generations",
            1,
            10,
            int,
            group="generations",
        ),
        Parameter(
            "parent_age_min",
            25.0,
            "youngest age at which a parent's child is born (ages are uniform between min and max)",
            "years",
            18.0,
            60.0,
            group="generations",
        ),
        Parameter(
            "parent_age_max",
            35.0,
            "oldest age at which a parent's child is born",
            "years",
            18.0,
            60.0,
            group="generations",
        ),
        Parameter(
            "transmission_noise",
            0.5,
            "spread of a parent's care around what their working model and relationship imply"
            " (sd on the logit scale; stress, other children, all the model leaves out)",
            "logit sd",
            0.0,
            3.0,
            group="generations",
        ),
        # --- measurement -----------------------------------------------------------------------
        Parameter(
            "observation_days",
            2,
            "home-visit days over which observed sensitivity is rated (ends at 9 months)",
            "days",
            1,
            60,
            int,
            group="measurement",
        ),
        Parameter(
            "ssp_noise",
            0.06,
            "behavioural noise of the Strange Situation (sd on 0-1 behaviour scales)",
            "sd",
            0.0,
            0.5,
            group="measurement",
        ),
        Parameter(
            "ssp_d_cutoff",
            5.0,
            "disorganisation score (1-9) at or above which an infant is classified D",
            "scale points",
            1.0,
            9.0,
            group="measurement",
        ),
        Parameter(
            "ssp_avoidance_cutoff",
            4.0,
            "reunion avoidance (1-7) at or above which an organised infant is classified A",
            "scale points",
            1.0,
            7.0,
            group="measurement",
        ),
        Parameter(
            "ssp_resistance_cutoff",
            4.0,
            "reunion resistance (1-7) at or above which an organised infant is classified C",
            "scale points",
            1.0,
            7.0,
            group="measurement",
        ),
    ]
}

DEFAULTS: dict[str, Any] = {name: p.default for name, p in PARAMETERS.items()}


def validate(values: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """Return a full, checked parameter dict: defaults updated by ``values`` and ``overrides``."""
    given = {**(values or {}), **overrides}
    unknown = [name for name in given if name not in PARAMETERS]
    if unknown:
        raise ParameterError(f"unknown parameter '{unknown[0]}': allowed {', '.join(PARAMETERS)}")
    checked = dict(DEFAULTS)
    for name, value in given.items():
        checked[name] = PARAMETERS[name].check(value)
    _check_together(checked)
    return checked


def _too(name: str, value: Any, allowed: str) -> ParameterError:
    return ParameterError(f"parameter '{name}' = {value!r} does not fit: allowed {allowed}")


def _check_together(p: dict[str, Any]) -> None:
    """Parameters that constrain each other (one-line errors naming the one to change)."""
    if p["parent_age_min"] > p["parent_age_max"]:
        raise _too(
            "parent_age_min",
            p["parent_age_min"],
            f"at most parent_age_max ({p['parent_age_max']:g})",
        )
    # births are recorded at the end of adult steps, so a run with children needs one
    needed = max(p["parent_age_max"], ADULT_AGE + 1)
    if p["generations"] > 1 and p["horizon_years"] < needed:
        raise _too(
            "horizon_years",
            p["horizon_years"],
            f"at least {math.ceil(needed)} when generations > 1 (parent_age_max, and past 18),"
            " so every parent lives to their child's birth",
        )
    intervention = p["intervention"]
    if intervention == "none":
        return
    age = p["intervention_age"]
    if intervention in INFANCY_INTERVENTIONS:
        if age > INFANT_PROGRAMME_LATEST:
            raise _too(
                "intervention_age",
                age,
                f"at most {INFANT_PROGRAMME_LATEST:g} (infant age) for {intervention}",
            )
        if p["intervention_target"] != "everyone":
            raise _too(
                "intervention_target",
                p["intervention_target"],
                f"everyone for {intervention} (it is given to caregivers of infants)",
            )
        return
    if age < 18.0:
        raise _too("intervention_age", age, f"18 or more for {intervention} (an adult one)")
    measured = follow_up_age(p)
    if p["horizon_years"] < measured:
        raise _too(
            "horizon_years",
            p["horizon_years"],
            f"at least {math.ceil(measured)} for this intervention (it ends at age"
            f" {end_age(p):.2f} and is measured {FOLLOW_UP_YEARS} year later)",
        )


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse one ``name=value`` from the command line into a checked pair."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ParameterError(f"--set {text!r} is not of the form name=value")
    if name not in PARAMETERS:
        raise ParameterError(f"unknown parameter '{name}': allowed {', '.join(PARAMETERS)}")
    return name, PARAMETERS[name].check(value.strip())
