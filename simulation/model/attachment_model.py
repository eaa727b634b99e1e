"""The Mesa model: caregiver-infant dyads through the first year (ending in a Strange Situation),
childhood and adolescence, into adult partner relationships."""

from __future__ import annotations

from typing import Any

import numpy as np
from mesa import Model
from mesa.datacollection import DataCollector

from simulation.model.agents import Caregiver, Person
from simulation.model.caregiving import (
    DIMENSIONS,
    CaregiverTraits,
    daily_availability,
    draw_caregivers,
    logistic,
    nearest_style,
    neglect_transition,
    respond_to_bids,
)
from simulation.model.interventions import (
    COUPLE_INTERVENTIONS,
    ECR_ERROR_SD,
    INFANCY_INTERVENTIONS,
    INTERVENTIONS,
    SECURE_PARTNER_AVAILABILITY,
    SECURE_PARTNER_REJECTION,
    THERAPIST_AVAILABILITY,
    THERAPY_BIDS_PER_WEEK,
    Skills,
    assign_by_couple,
    behaviour,
    eligible,
    programme_weeks,
    sensitive_care,
)
from simulation.model.life_course import (
    ADOLESCENCE,
    ADOLESCENCE_AGE,
    ADULT_AGE,
    ADULTHOOD,
    CATEGORIES,
    CHILDHOOD,
    FLUCTUATING,
    ILLNESS_MONTHS,
    ILLNESS_SENSITIVITY,
    INFANCY,
    MONTHS_PER_YEAR,
    OTHERS_BIDS_PER_MONTH,
    OTHERS_REJECTION,
    SEPARATED_AVAILABILITY,
    SEPARATION_MONTHS,
    STABLE_CAREGIVER,
    WEEKS_PER_STEP,
    WEEKS_PER_YEAR,
    adult_category,
    caregiver_bids_per_month,
    draw_others,
    ecr_scale,
    fluctuate,
    logit,
    monthly_events,
    plasticity,
)
from simulation.model.parameters import validate
from simulation.model.partners import (
    CLOSENESS_RATE,
    SATISFACTION_RATE,
    CoupleWeek,
    Dispositions,
    breakup_chance,
    couple_week,
    dispositions,
    match,
    read_responses,
    security,
)
from simulation.model.strange_situation import StrangeSituationResult, strange_situation
from simulation.model.transmission import parental_care
from simulation.model.working_model import (
    Experience,
    WorkingModel,
    anxiety,
    avoidance,
    strategy,
    unregulated_load,
    update_working_model,
)

# Unregulated distress (in ordinary-episode units) past which a day counts as overwhelming:
# about four days in a row without being settled, as in a neglect spell or after a loss.
OVERWHELM_LIMIT = 15.0
# While the attachment figure is lost, others (relatives, a nursery) answer only a few bids.
SUBSTITUTE_AVAILABILITY = 0.05
# Observed sensitivity is rated at 9 months, as in the NICHD and Ainsworth home observations.
OBSERVATION_AGE_SHARE = 0.75


# An adult's bids for support to people other than a partner, per week: about what a partner
# gets (need_rate x the share voiced), as the partner takes over attachment functions.
OTHERS_BIDS_PER_WEEK_ADULT = 0.5
# A lost caregiver in childhood is followed by a new one after this many months.
LOSS_GAP_MONTHS = 2
# Satisfaction and closeness of a couple when it forms.
NEW_COUPLE_SATISFACTION = 0.7
NEW_COUPLE_CLOSENESS = 0.5
# A pairing observed for this long counts in the 3-year breakup rate.
BREAKUP_WINDOW_WEEKS = 3 * WEEKS_PER_YEAR

LOGGED_BEHAVIOUR = (
    "need",
    "bid",
    "direct",
    "comforted",
    "withdrew",
    "escalated",
    "pushed_away",
    "read_as_rejection",
)

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


def _mean_reporter(name: str):
    return lambda m: m.means[name]


class AttachmentModel(Model):
    """People from birth: daily bids for comfort in the first year (then a Strange Situation),
    monthly care and other relationships to 18, weekly partner interactions after.

    Parameters are those of ``simulation.model.parameters.PARAMETERS`` (keywords), plus ``rng``.
    ``trace_couples`` keeps every couple's week-by-week story in ``couple_log``.
    ``caregiver_traits`` gives every infant's caregiver (the parents of a next generation)
    instead of drawing them from the ``caregivers`` mix.
    """

    def __init__(
        self,
        rng: Any = None,
        trace_couples: bool = False,
        caregiver_traits: CaregiverTraits | None = None,
        **params: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.params = p = validate(params)
        n = p["n_dyads"]
        self.n_dyads = n
        self.days = p["days"]
        self.horizon = p["horizon_years"]
        self.trace_couples = trace_couples

        # temperament: how easily distressed (log-normal around 1) and how soothable (Beta).
        # Drawn first, so the same seed gives the same newborns whoever raises them (the demo's
        # side-by-side comparison, and experiments that vary only the caregivers).
        self.reactivity = np.exp(p["temperament_sd"] * self.rng.standard_normal(n))
        self.soothability = self.rng.beta(6.0, 2.0, n)
        self._strain = self.reactivity ** -p["infant_effect"]

        # Interventions and parenthood draw from streams of their own, so a run that has them is
        # otherwise the same run as one without (same people, same care, same draws).
        self.trial_rng, self.family_rng = self.rng.spawn(2)
        if caregiver_traits is None:
            traits = self.draw_caregivers(n)
        else:
            if len(caregiver_traits) != n:
                raise ValueError(f"caregiver_traits has {len(caregiver_traits)} rows, n_dyads {n}")
            traits = self._with_set_dimensions(
                CaregiverTraits(**{k: getattr(caregiver_traits, k).copy() for k in DIMENSIONS})
            )
        self.caregiver_traits: CaregiverTraits = traits
        self.first_caregiver_traits = CaregiverTraits(
            **{k: getattr(traits, k).copy() for k in DIMENSIONS}
        )
        styles = (
            np.full(n, p["caregivers"])
            if caregiver_traits is None
            and p["caregivers"] in ("consistent", "inconsistent", "rejecting", "frightening")
            else nearest_style(traits)
        )
        self.caregiver_style = styles

        self.working_model = WorkingModel.newborn(n)
        self._dispositions: Dispositions | None = None
        self._no_one = np.zeros(n, dtype=int)  # a zero count for everyone (read only)
        # the category cut-offs on the 0-1 scale of the scores
        self._anxiety_cut = (p["anxiety_cutoff"] - 1.0) / 6.0
        self._avoidance_cut = (p["avoidance_cutoff"] - 1.0) / 6.0
        self.load = np.zeros(n)
        self.in_neglect = np.zeros(n, dtype=bool)
        # A loss happens on one day, early enough that the new caregiver has arrived a month
        # before the Strange Situation (in a short run, as early as the run allows).
        lost = self.rng.random(n) < traits.disruption
        first = min(30, self.days // 4)
        last = max(first + 1, self.days - 30 - round(p["disruption_gap_days"]))
        self.disruption_day = np.where(lost, self.rng.integers(first, last, n), -1)
        self.figure_absent_until = np.full(n, -1)
        obs_end = round(OBSERVATION_AGE_SHARE * self.days)
        self.observation_window = (max(0, obs_end - p["observation_days"]), obs_end)
        self._observed_bids = np.zeros(n)
        self._observed_comforts = np.zeros(n)
        self.bids_total = np.zeros(n)
        self.comforts_total = np.zeros(n)
        self.ssp: StrangeSituationResult | None = None

        # life course
        self.stage = INFANCY
        self.months = 0  # months since the first birthday
        self.weeks = 0  # weeks since the 18th birthday
        self.prototype: WorkingModel | None = None  # the working model at 12 months
        self.absent_months = np.zeros(n, dtype=int)  # caregiver away (separation, loss)
        self.replace_on_return = np.zeros(n, dtype=bool)  # after a loss: a new caregiver
        self.ill_months = np.zeros(n, dtype=int)
        self.others = np.zeros(n)
        self.life_events = np.zeros(n, dtype=int)
        # each caregiver's own level of the fluctuating dimensions (logit) and this year's
        # deviation from it; set at the first birthday and when a new caregiver arrives
        self.care_level = np.zeros((len(FLUCTUATING), n))
        self.care_deviation = np.zeros((len(FLUCTUATING), n))
        self._records: list[dict[str, np.ndarray]] = []

        # adulthood
        self.partner = np.full(n, -1)
        self.satisfaction = np.full(n, np.nan)
        self.closeness = np.zeros(n)
        self.partners_count = np.zeros(n, dtype=int)
        self.breakups = np.zeros(n, dtype=int)
        self.weeks_partnered = np.zeros(n, dtype=int)
        self.satisfaction_sum = np.zeros(n)
        self.needs = np.zeros(n, dtype=int)
        self.needs_met = np.zeros(n, dtype=int)
        self.couples = _Couples()
        self.couple_records: list[dict[str, Any]] = []
        self.couple_log: list[dict[str, Any]] = []

        # interventions (simulation.model.interventions): arms, skills, measures before and after
        self.intervention = p["intervention"]
        self.trial_arm = np.full(n, -1)  # 1 treated, 0 control, -1 not in the trial
        self.recipients = np.zeros(n, dtype=bool)  # everyone who takes part (incl. partners)
        self.skills: Skills | None = None
        self.trial_measures: dict[str, np.ndarray] = {}
        if self.intervention in INFANCY_INTERVENTIONS:
            self.trial_day = round(p["intervention_age"] * self.days)
        elif self.intervention != "none":
            self.skills = Skills.none(n)
            self.trial_start, self.trial_end, self.trial_followup = programme_weeks(p)
        self._behaviour: Dispositions | None = None
        # parenthood: each person's age at their child's birth, and their state then
        self.parent_age = (
            self.family_rng.uniform(p["parent_age_min"], p["parent_age_max"], n)
            if p["generations"] > 1
            else None
        )
        self.at_birth: dict[str, np.ndarray] = {}
        self._born = np.zeros(n, dtype=bool)

        self.caregivers = [Caregiver(self, i, str(styles[i])) for i in range(n)]
        self.people = [Person(self, i, self.caregivers[i]) for i in range(n)]

        self.means: dict[str, Any] = {}
        self.datacollector = DataCollector(
            model_reporters={
                "day": "day",
                "age_years": "age_years",
                "stage": "stage",
                **{k: _mean_reporter(k) for k in (*DAILY_MEANS, *SHARES)},
                "partnered": _mean_reporter("partnered"),
                "satisfaction": _mean_reporter("satisfaction"),
            }
        )
        self.collect()

    @property
    def dispositions(self) -> Dispositions:
        """What everyone's working model implies now (computed once per change of the models)."""
        if self._dispositions is None:
            self._dispositions = dispositions(self.working_model)
            self._behaviour = None
        return self._dispositions

    @property
    def behaviour(self) -> Dispositions:
        """What people do and perceive: their dispositions, changed by any skills learned in an
        intervention (the measures stay those of the working model)."""
        d = self.dispositions
        if self.skills is None:
            return d
        if self._behaviour is None:
            self._behaviour = behaviour(d, self.skills)
        return self._behaviour

    # ------------------------------------------------------------------ the clock
    @property
    def age_years(self) -> float:
        """Age of the cohort at the end of the last step."""
        if self.stage == INFANCY:
            return int(self.time) / self.days
        if self.stage == ADULTHOOD:
            return ADULT_AGE + self.weeks / WEEKS_PER_YEAR
        return 1.0 + self.months / MONTHS_PER_YEAR

    @property
    def day(self) -> int:
        """Days of life completed (the first year counts ``days`` days, later years 365)."""
        if self.stage == INFANCY:
            return int(self.time)
        return self.days + round((self.age_years - 1.0) * 365)

    def step(self) -> None:
        """One step of life: a day in infancy, a month to 18, 13 weeks (a quarter) after."""
        if self.stage == INFANCY:
            self._infant_day()
        elif self.stage == ADULTHOOD:
            self._adult_weeks()
        else:
            self._child_month()
        self.collect()
        if not self.running:
            self._close_all_couples()

    def _birthday(self) -> None:
        """Record everyone at this birthday; move to the next stage; stop at the horizon."""
        age = round(self.age_years)
        self._records.append(self.snapshot(age))
        if age >= self.horizon:
            self.running = False  # couples still together are closed after the last record
            return
        self.others = draw_others(self.params["others_sensitivity"], self.n_dyads, self.rng)
        if age == 1:
            self._set_care_levels(np.arange(self.n_dyads))
        if age < ADULT_AGE:
            self._fluctuate_care()
        if age >= ADULT_AGE:
            self.stage = ADULTHOOD
        elif age >= ADOLESCENCE_AGE:
            self.stage = ADOLESCENCE
        else:
            self.stage = CHILDHOOD

    # ------------------------------------------------------------------ infancy: one day
    def _infant_day(self) -> None:
        """One day: each infant's distress episodes, the caregiver's answers, learning."""
        # Mesa sets the clock to the end of the day being stepped: day 0 runs at time 1.
        day = int(self.time) - 1
        p, rng = self.params, self.rng
        self._handle_losses(day)
        if self.intervention in INFANCY_INTERVENTIONS and day == self.trial_day:
            self._start_caregiver_programme()
        absent = self.figure_absent_until > day
        self.in_neglect = neglect_transition(
            self.in_neglect, self.caregiver_traits.neglect, p["neglect_spell_days"], rng
        )
        unavailable = self.in_neglect | absent
        availability = daily_availability(self.caregiver_traits, unavailable, rng)
        availability = np.where(absent, SUBSTITUTE_AVAILABILITY, availability)
        # transactional effect: a fussier infant strains the caregiver and gets less of her
        availability = np.minimum(1.0, availability * self._strain)
        present = ~unavailable

        intensity = self.dispositions.intensity
        bids = rng.poisson(p["distress_rate"] * self.reactivity)
        care = respond_to_bids(
            bids,
            intensity,
            availability,
            self.caregiver_traits.rejection * present,
            self.caregiver_traits.fear * present,
            rng,
        )
        soothed = rng.binomial(care.comforted, self.soothability)
        self.load = unregulated_load(self.load, bids - soothed, soothed, self.reactivity, present)
        experience = Experience(
            bids=bids,
            soothed=soothed,
            comforted=care.comforted,
            missed=care.missed,
            rebuffed=care.rebuffed,
            frightened=care.frightened,
            overwhelmed=(self.load > OVERWHELM_LIMIT).astype(int),
        )
        update_working_model(self.working_model, experience, p["learning_rate"])
        self._dispositions = None

        self.bids_total += bids
        self.comforts_total += care.comforted
        start, end = self.observation_window
        if start <= day < end:
            self._observed_bids += bids
            self._observed_comforts += care.comforted
        if day + 1 == self.days:
            self.ssp = self.run_strange_situation(rng)
            self.prototype = self.working_model.copy()
            self.in_neglect[:] = False
            self.stage = CHILDHOOD
            self._birthday()

    # ------------------------------------------------------------------ childhood: one month
    def _child_month(self) -> None:
        """One month of childhood or adolescence: care from the same caregiver (whose life can
        change), comfort from other people, one learning update."""
        p, rng, n = self.params, self.rng, self.n_dyads
        age = self.age_years
        self._caregiver_events(rng)
        traits = self.caregiver_traits
        absent = self.absent_months > 0
        # One representative day stands for the month's care, so day-to-day swings in an
        # inconsistent caregiver's availability still reach the child as surprise.
        neglected = rng.random(n) < traits.neglect
        availability = daily_availability(traits, absent | neglected, rng)
        availability = np.where(
            self.ill_months > 0, availability * ILLNESS_SENSITIVITY, availability
        )
        availability = np.where(absent, SEPARATED_AVAILABILITY, availability)
        availability = np.minimum(1.0, availability * self._strain)
        present = ~(absent | neglected)

        intensity = self.behaviour.intensity
        # bids to the caregiver (first n) and to other people (last n), answered in one call
        expected = np.concatenate(
            [
                caregiver_bids_per_month(p["distress_rate"], self.reactivity, age),
                OTHERS_BIDS_PER_MONTH * self.reactivity,
            ]
        )
        bids = rng.poisson(expected)
        care = respond_to_bids(
            bids,
            np.concatenate([intensity, intensity]),
            np.concatenate([availability, self.others]),
            np.concatenate([traits.rejection * present, np.full(n, OTHERS_REJECTION)]),
            np.concatenate([traits.fear * present, np.zeros(n)]),
            rng,
        )

        def both(x: np.ndarray) -> np.ndarray:
            return x[:n] + x[n:]

        comforted = both(care.comforted)
        believed, missed, abandoned = read_responses(
            comforted, both(care.missed), self.behaviour, rng
        )
        experience = Experience(
            bids=both(bids),
            soothed=rng.binomial(believed, self.soothability),
            comforted=comforted,
            missed=missed,
            rebuffed=both(care.rebuffed),
            frightened=care.frightened[:n],
            overwhelmed=self._no_one,
            abandoned=abandoned,
        )
        self._learn(experience, age)
        if self.absent_months.any():
            self.absent_months = np.maximum(self.absent_months - 1, 0)
        if self.ill_months.any():
            self.ill_months = np.maximum(self.ill_months - 1, 0)
        self.months += 1
        if self.months % MONTHS_PER_YEAR == 0:
            self._birthday()

    def _learn(self, experience: Experience, age: float, gain: np.ndarray | None = None) -> None:
        """The one learning update, with plasticity for this age and the continuity setting
        (times ``gain`` per person where something, such as therapy, raises it)."""
        p = self.params
        rate = p["learning_rate"] * plasticity(
            age, p["plasticity_floor"], p["plasticity_halflife_years"]
        )
        if gain is not None:
            rate = rate * gain
        pull = p["prototype_weight"] if p["continuity"] == "prototype" else 0.0
        update_working_model(self.working_model, experience, rate, self.prototype, pull)
        self._dispositions = None

    def _caregiver_events(self, rng: np.random.Generator) -> None:
        """Loss, separation, illness or a new stable caregiver, this month."""
        p = self.params
        rates = {
            "loss": p["loss_rate"],
            "separation": p["separation_rate"],
            "illness": p["illness_rate"],
            "stable_caregiver": p["stable_caregiver_rate"],
        }
        events = monthly_events(self.n_dyads, rates, rng)
        if self.replace_on_return.any():
            returning = np.flatnonzero((self.absent_months == 1) & self.replace_on_return)
            if len(returning):
                self._new_caregivers(returning, self.draw_caregivers(len(returning)))
                self.replace_on_return[returning] = False
        if not events.any():
            return
        free = self.absent_months == 0
        lost = events.loss & free
        separated = events.separation & free & ~lost
        self.absent_months[lost] = LOSS_GAP_MONTHS
        self.replace_on_return[lost] = True
        self.absent_months[separated] = SEPARATION_MONTHS
        # an illness or a new caregiver only takes effect while the caregiver is there
        here = free & ~lost & ~separated
        taken_over = events.stable_caregiver & here
        ill = events.illness & here & (self.ill_months == 0) & ~taken_over
        self.ill_months[ill] = ILLNESS_MONTHS
        stable = np.flatnonzero(taken_over)
        if len(stable):
            new = self._with_set_dimensions(
                CaregiverTraits(
                    **{k: np.full(len(stable), STABLE_CAREGIVER[k]) for k in DIMENSIONS}
                )
            )
            self._new_caregivers(stable, new, style="consistent")
        # every event that took effect counts
        self.life_events += lost.astype(int) + separated + ill + taken_over

    def _set_care_levels(self, rows: np.ndarray) -> None:
        """The current caregivers at ``rows`` define their own level; no deviation yet."""
        for k, name in enumerate(FLUCTUATING):
            self.care_level[k, rows] = logit(getattr(self.caregiver_traits, name)[rows])
        self.care_deviation[:, rows] = 0.0

    def _fluctuate_care(self) -> None:
        """A new year of care: each caregiver wanders around their own level."""
        sd = self.params["caregiving_fluctuation"]
        if sd == 0.0:
            return
        self.care_deviation = fluctuate(self.care_deviation, sd, self.rng)
        values = logistic(self.care_level + self.care_deviation)
        for k, name in enumerate(FLUCTUATING):
            getattr(self.caregiver_traits, name)[:] = values[k]

    def _new_caregivers(
        self, rows: np.ndarray, traits: CaregiverTraits, style: str | None = None
    ) -> None:
        """The people at ``rows`` get new caregivers (new agents) with ``traits``."""
        traits.disruption[:] = 0.0
        self.caregiver_traits.replace_rows(rows, traits)
        self._set_care_levels(rows)
        self.ill_months[rows] = 0  # an illness leaves with the caregiver who had it
        styles = nearest_style(traits) if style is None else np.full(len(rows), style)
        for i, s in zip(rows, styles, strict=True):
            self.caregivers[i].remove()
            caregiver = Caregiver(self, int(i), str(s))
            self.caregivers[i] = caregiver
            self.people[i].caregiver = caregiver

    # ------------------------------------------------------------------ adulthood: 13 weeks
    def _adult_weeks(self) -> None:
        """A quarter of adult life (13 weeks): singles meet, couples interact week by week, everyone
        learns from the 13 weeks in one update."""
        p, rng, n = self.params, self.rng, self.n_dyads
        age = self.age_years
        if self.skills is not None and self.weeks == self.trial_start:
            self._start_adult_trial()
        in_programme = self.skills is not None and self.trial_start <= self.weeks < self.trial_end
        d = self.behaviour
        weeks = WEEKS_PER_STEP
        meeting = 1.0 - np.exp(-p["meeting_rate"] * weeks / WEEKS_PER_YEAR)
        singles = self.partner < 0
        if in_programme and self.intervention == "secure_partner" and p["intervention_dose"] > 0:
            singles &= ~self.recipients  # in the corrective relationship, not looking
        a, b = match(np.flatnonzero(singles), d, meeting, p["matching"], rng)
        if len(a):
            self._form_couples(a, b)

        # bids to other people (friends, colleagues): fewer than a child's, as the partner
        # takes over the attachment functions (Hazan & Zeifman 1994)
        other_bids = rng.poisson(OTHERS_BIDS_PER_WEEK_ADULT * weeks * self.reactivity)
        others = respond_to_bids(
            other_bids, d.intensity, self.others, OTHERS_REJECTION, np.zeros(n), rng
        )
        soothed, missed, abandoned = read_responses(others.comforted, others.missed, d, rng)
        # counts per person: bids, comforted, soothed (believed), missed, rebuffed, abandoned
        counts = np.stack(
            [other_bids, others.comforted, soothed, missed, others.rebuffed, abandoned]
        ).astype(float)

        if len(self.couples):
            m = len(self.couples)
            actors = np.concatenate([self.couples.a, self.couples.b])
            skills = self.skills
            week = couple_week(
                d.take(actors),
                self.closeness[actors],
                p["need_rate"],
                rng,
                directness=0.0 if skills is None else skills.directness[actors],
                limits=0.0 if skills is None else skills.limits[actors],
                weeks=weeks,
            )
            together = self._couple_weeks_done(actors, week, rng)  # (weeks, 2m): before breakup
            pushed_me = week.pushed_away[:, np.r_[m : 2 * m, 0:m]]
            partner_counts = np.stack(
                [
                    week.bid.astype(int) + week.escalated + pushed_me,
                    week.comforted,
                    week.believed,
                    week.missed,
                    week.withdrew + pushed_me,
                    week.read_as_rejection,
                ]
            )
            # An anxious person depends on the partner for self-worth: the partner's responses
            # weigh 1 + hyperactivation times as much as other experience in their learning.
            weight = 1.0 + d.hyper[actors]
            # everyone is in at most one couple, so each index appears once in actors
            counts[:, actors] += (partner_counts * together).sum(axis=1) * weight

        gain = None
        if in_programme:
            gain = self._programme_experience(counts, d)
        experience = Experience(
            bids=counts[0],
            soothed=counts[2],
            comforted=counts[1],
            missed=counts[3],
            rebuffed=counts[4],
            frightened=self._no_one,
            overwhelmed=self._no_one,
            abandoned=counts[5],
        )
        self._learn(experience, age, gain)
        self.weeks += weeks
        if self.skills is not None and self.weeks == self.trial_followup:
            self.trial_measures.update(self._trial_snapshot("followup"))
        if self.parent_age is not None:
            self._births()
        if self.weeks % WEEKS_PER_YEAR == 0:
            self._birthday()

    # ------------------------------------------------------------------ interventions
    def _start_adult_trial(self) -> None:
        """Randomise the eligible (by couple), record the baseline, teach any skill."""
        p = self.params
        partnered = self.partner >= 0
        ok = eligible(self.intervention, p["intervention_target"], self.categories(), partnered)
        self.trial_arm = assign_by_couple(ok, self.partner, p["intervention_share"], self.trial_rng)
        treated = self.trial_arm == 1
        self.recipients = treated.copy()
        if self.intervention in COUPLE_INTERVENTIONS:  # couple work: both partners take part
            self.recipients[self.partner[treated]] = True
        self.trial_measures = self._trial_snapshot("baseline")
        self.skills.grant(
            INTERVENTIONS[self.intervention],
            np.flatnonzero(self.recipients),
            p["intervention_dose"],
        )
        self._behaviour = None

    def _trial_snapshot(self, when: str) -> dict[str, np.ndarray]:
        """The trial's measures now: questionnaire scores (with the ECR's retest error), the
        model's own scores, relationship satisfaction (NaN when single) and the category."""
        d = self.dispositions
        error = ECR_ERROR_SD * self.trial_rng.standard_normal((2, self.n_dyads))
        anx, avo = ecr_scale(d.anxiety), ecr_scale(d.avoidance)
        return {
            f"{when}_anxiety_ecr": np.clip(anx + error[0], 1.0, 7.0),
            f"{when}_avoidance_ecr": np.clip(avo + error[1], 1.0, 7.0),
            f"{when}_true_anxiety_ecr": anx,
            f"{when}_true_avoidance_ecr": avo,
            f"{when}_satisfaction": self.satisfaction.copy(),
            f"{when}_category": self.categories(),
        }

    def _programme_experience(self, counts: np.ndarray, d: Dispositions) -> np.ndarray | None:
        """A quarter of therapy sessions or of a corrective relationship, added to ``counts``
        (bids, comforted, believed, missed, rebuffed, abandoned); returns the plasticity gain."""
        p, rng = self.params, self.trial_rng
        dose, who = p["intervention_dose"], self.recipients
        if self.intervention == "attachment_therapy":
            per_week, availability, rejection = (
                THERAPY_BIDS_PER_WEEK,
                THERAPIST_AVAILABILITY,
                0.0,
            )
        elif self.intervention == "secure_partner":
            per_week, availability, rejection = (
                p["need_rate"],
                SECURE_PARTNER_AVAILABILITY,
                SECURE_PARTNER_REJECTION,
            )
        else:
            return None
        bids = rng.poisson(dose * per_week * WEEKS_PER_STEP * who)
        answer = respond_to_bids(
            bids, d.intensity, availability, rejection, np.zeros(self.n_dyads), rng
        )
        believed, missed, abandoned = read_responses(answer.comforted, answer.missed, d, rng)
        # as with a partner, an anxious person weighs the relationship's responses more
        weight = 1.0 + d.hyper
        extra = (
            np.stack([bids, answer.comforted, believed, missed, answer.rebuffed, abandoned])
            * weight
        )
        counts += extra
        if self.intervention == "attachment_therapy":
            return np.where(who, INTERVENTIONS[self.intervention].programme.plasticity(dose), 1.0)
        return None

    def _start_caregiver_programme(self) -> None:
        """Video feedback for a randomised share of the caregivers of infants."""
        p = self.params
        self.trial_arm = assign_by_couple(
            np.ones(self.n_dyads, dtype=bool),
            np.full(self.n_dyads, -1),
            p["intervention_share"],
            self.trial_rng,
        )
        self.recipients = self.trial_arm == 1
        traits = self.caregiver_traits
        traits.sensitivity[self.recipients] = sensitive_care(
            traits.sensitivity[self.recipients], p["intervention_dose"]
        )

    def trial_table(self) -> dict[str, np.ndarray]:
        """Each person's arm and, for adult interventions, the measures before and 1 year after."""
        if self.intervention == "none":
            return {}
        arm = np.array(["", "control", "treated"], dtype=object)[self.trial_arm + 1]
        return {"trial_arm": arm, **self.trial_measures}

    # ------------------------------------------------------------------ parenthood
    def _births(self) -> None:
        """Record the state of everyone whose child is born at this step's end (their age at
        the birth is reached): what the parent's care of the next generation will follow from."""
        due = (self.parent_age <= self.age_years + 1e-9) & ~self._born
        if not due.any():
            return
        d, category = self.behaviour, self.categories()
        measures = self.dispositions
        state = {
            **{f"d_{k}": v for k, v in vars(d).items()},
            "partnered": self.partner >= 0,
            "satisfaction": self.satisfaction,
            "security": security(measures),
            "anxiety_ecr": ecr_scale(measures.anxiety),
            "avoidance_ecr": ecr_scale(measures.avoidance),
            "category": category,
            "age": np.full(self.n_dyads, self.age_years),
        }
        if not self.at_birth:
            self.at_birth = {
                k: np.empty(self.n_dyads, dtype=np.asarray(v).dtype) for k, v in state.items()
            }
        for k, v in state.items():
            self.at_birth[k][due] = np.asarray(v)[due]
        self._born |= due

    def next_generation(self) -> CaregiverTraits:
        """The care each person gives their own child (row i: the child of person i)."""
        if self.parent_age is None or not self._born.all():
            raise RuntimeError("next_generation needs generations > 1 and a run past every birth")
        b = self.at_birth
        d = Dispositions(**{k[2:]: b[k] for k in b if k.startswith("d_")})
        return parental_care(
            d, b["partnered"], b["satisfaction"], self.params["transmission_noise"], self.family_rng
        )

    def parent_table(self) -> dict[str, np.ndarray]:
        """Each parent at their child's birth (row i: the parent of child i in the next
        generation)."""
        if not self.at_birth:
            return {}
        b = self.at_birth
        return {
            "parent_age": b["age"],
            "parent_category": b["category"],
            "parent_secure": (b["category"] == "secure").astype(int),
            "parent_security": b["security"],
            "parent_anxiety_ecr": b["anxiety_ecr"],
            "parent_avoidance_ecr": b["avoidance_ecr"],
            "parent_partnered": b["partnered"].astype(int),
            "parent_satisfaction": b["satisfaction"],
        }

    def _form_couples(self, a: np.ndarray, b: np.ndarray) -> None:
        category = self.categories()
        self.couples.add(a, b, self.weeks, category[a], category[b])
        for x, y in ((a, b), (b, a)):
            self.partner[x] = y
        both = np.concatenate([a, b])
        self.satisfaction[both] = NEW_COUPLE_SATISFACTION
        self.closeness[both] = NEW_COUPLE_CLOSENESS
        self.partners_count[both] += 1

    def _couple_weeks_done(
        self, actors: np.ndarray, week: CoupleWeek, rng: np.random.Generator
    ) -> np.ndarray:
        """Satisfaction and closeness week by week, couple records, and breakups (a couple that
        breaks up has no more weeks together). Returns which directed pairs were still
        together in each week (shape (weeks, 2m))."""
        c, m = self.couples, len(self.couples)
        weeks = week.value.shape[0]
        sat, close = self.satisfaction[actors], self.closeness[actors]
        history = np.empty((weeks, 2 * m))
        for w in range(weeks):  # running averages, week by week
            sat = sat + SATISFACTION_RATE * (week.value[w] - sat)
            close = close + CLOSENESS_RATE * (week.closeness[w] - close)
            history[w] = sat
        # a couple ends in the first week its breakup draw falls; later weeks do not count
        chance = breakup_chance(history[:, :m], history[:, m:], self.params["breakup_rate"])
        ends = rng.random((weeks, m)) < chance
        ended_before = np.cumsum(ends, axis=0) - ends > 0
        alive = ~ended_before
        together = np.concatenate([alive, alive], axis=1)
        ended_at = np.where(ends.any(axis=0), ends.argmax(axis=0), -1)
        if self.trace_couples:
            for w in range(weeks):
                self._log_week(week, w, history[w], alive[w])
        self.satisfaction[actors], self.closeness[actors] = sat, close
        self.satisfaction_sum[actors] += (history * together).sum(axis=0)
        c.satisfaction_sum += (0.5 * (history[:, :m] + history[:, m:]) * alive).sum(axis=0)
        weeks_together = together.sum(axis=0)
        self.weeks_partnered[actors] += weeks_together
        met = week.need & (week.believed > 0)
        self.needs[actors] += (week.need & together).sum(axis=0)
        self.needs_met[actors] += (met & together).sum(axis=0)

        first, second = together[:, :m], together[:, m:]
        dw = (week.demand_withdraw[:, :m] | week.demand_withdraw[:, m:]) & first
        conflict = (
            dw
            | (week.withdrew[:, :m] + week.withdrew[:, m:] > 0)
            | week.pushed_away[:, :m]
            | week.pushed_away[:, m:]
        ) & first
        c.weeks += weeks_together[:m]
        c.demand_withdraw_weeks += dw.sum(axis=0)
        c.conflict_weeks += conflict.sum(axis=0)
        c.needs += (week.need[:, :m] & first).sum(axis=0) + (week.need[:, m:] & second).sum(axis=0)
        c.needs_met += (met[:, :m] & first).sum(axis=0) + (met[:, m:] & second).sum(axis=0)
        ended = np.flatnonzero(ended_at >= 0)
        if len(ended):
            self._end_couples(ended, broke_up=True)
        return together

    def _log_week(self, week: CoupleWeek, w: int, sat: np.ndarray, alive: np.ndarray) -> None:
        c, m = self.couples, len(self.couples)
        for k in np.flatnonzero(alive):
            row: dict[str, Any] = dict(
                couple=int(c.id[k]),
                week=self.weeks + w,
                age_years=ADULT_AGE + (self.weeks + w) / WEEKS_PER_YEAR,
            )
            for side, off in (("a", 0), ("b", m)):
                for field in LOGGED_BEHAVIOUR:
                    row[f"{field}_{side}"] = int(getattr(week, field)[w, k + off])
            row["satisfaction_a"] = float(sat[k])
            row["satisfaction_b"] = float(sat[k + m])
            row["demand_withdraw"] = bool(
                week.demand_withdraw[w, k] or week.demand_withdraw[w, k + m]
            )
            self.couple_log.append(row)

    def _end_couples(self, rows: np.ndarray, broke_up: bool) -> None:
        c = self.couples
        for k in rows:
            weeks = int(c.weeks[k])
            self.couple_records.append(
                dict(
                    couple=int(c.id[k]),
                    person_a=int(c.a[k]),
                    person_b=int(c.b[k]),
                    category_a=str(c.category_a[k]),
                    category_b=str(c.category_b[k]),
                    pairing="+".join(sorted((str(c.category_a[k]), str(c.category_b[k])))),
                    formed_age=ADULT_AGE + c.start[k] / WEEKS_PER_YEAR,
                    weeks=weeks,
                    satisfaction=float(c.satisfaction_sum[k] / max(weeks, 1)),
                    demand_withdraw_rate=float(c.demand_withdraw_weeks[k] / max(weeks, 1)),
                    conflict_rate=float(c.conflict_weeks[k] / max(weeks, 1)),
                    need_fulfilment=float(c.needs_met[k] / c.needs[k]) if c.needs[k] else np.nan,
                    broke_up=broke_up,
                    observed_3y=broke_up
                    and weeks < BREAKUP_WINDOW_WEEKS
                    or weeks >= BREAKUP_WINDOW_WEEKS,
                    broke_up_3y=broke_up and weeks < BREAKUP_WINDOW_WEEKS,
                )
            )
        people = np.concatenate([c.a[rows], c.b[rows]])
        self.partner[people] = -1
        self.satisfaction[people] = np.nan
        self.closeness[people] = 0.0
        if broke_up:
            self.breakups[people] += 1
        c.remove(rows)

    def _close_all_couples(self) -> None:
        if len(self.couples):
            self._end_couples(np.arange(len(self.couples)), broke_up=False)

    # ------------------------------------------------------------------ records
    def collect(self) -> None:
        """Record this step's population means (one pass over the working models)."""
        wm, d = self.working_model, self.dispositions
        anxious = d.anxiety >= self._anxiety_cut
        avoidant = d.avoidance >= self._avoidance_cut
        columns = np.stack(
            [
                wm.other_model,
                wm.self_model,
                wm.uncertainty,
                wm.suppression,
                wm.alarm,
                d.anxiety,
                d.avoidance,
                anxious,
                avoidant,
                anxious & avoidant,
            ]
        )
        values = (columns.sum(axis=1) / self.n_dyads).tolist()
        means = dict(zip(DAILY_MEANS, values, strict=False))
        anx, avo, both = values[-3:]
        shares = (1.0 - anx - avo + both, anx - both, avo - both, both)
        means.update(zip(SHARES, shares, strict=True))
        if self.stage == ADULTHOOD:
            partnered = self.partner >= 0
            means["partnered"] = float(partnered.mean())
            means["satisfaction"] = (
                float(self.satisfaction[partnered].mean()) if partnered.any() else float("nan")
            )
        else:
            means["partnered"], means["satisfaction"] = 0.0, float("nan")
        self.means = means
        self.datacollector.collect(self)

    def categories(self) -> np.ndarray:
        """Everyone's Bartholomew category now (fixed cut-offs on the ECR scale)."""
        p, d = self.params, self.dispositions
        return adult_category(
            ecr_scale(d.anxiety),
            ecr_scale(d.avoidance),
            p["anxiety_cutoff"],
            p["avoidance_cutoff"],
        )

    def snapshot(self, age: int) -> dict[str, np.ndarray]:
        """Everyone at one age: working model, anxiety and avoidance (0-1 and ECR), category."""
        wm, d = self.working_model, self.dispositions
        anx, avo = d.anxiety, d.avoidance
        category = self.categories()
        partnered = self.partner >= 0
        return {
            "person": np.arange(self.n_dyads),
            "age": np.full(self.n_dyads, age),
            **{k: getattr(wm, k).copy() for k in vars(wm)},
            "anxiety": anx,
            "avoidance": avo,
            "anxiety_ecr": ecr_scale(anx),
            "avoidance_ecr": ecr_scale(avo),
            "category": category,
            "secure": (category == "secure").astype(int),
            "caregiver_style": np.array([c.style for c in self.caregivers]),
            "life_events": self.life_events.copy(),
            "partnered": partnered.astype(int),
            "satisfaction": self.satisfaction.copy(),
        }

    def life_table(self) -> dict[str, np.ndarray]:
        """One row per person per birthday recorded so far."""
        if not self._records:
            return {}
        return {k: np.concatenate([r[k] for r in self._records]) for k in self._records[0]}

    def couples_table(self) -> dict[str, np.ndarray]:
        """One row per couple that ended or was still together at the end of the run."""
        if not self.couple_records:
            return {}
        keys = self.couple_records[0]
        return {k: np.array([r[k] for r in self.couple_records]) for k in keys}

    def _handle_losses(self, day: int) -> None:
        """Caregivers lost today leave; after the gap a new caregiver from the mix arrives."""
        lost = np.flatnonzero(self.disruption_day == day)
        if len(lost):
            self.figure_absent_until[lost] = day + round(self.params["disruption_gap_days"])
            self.in_neglect[lost] = False  # a neglect spell ends with the caregiver who neglected
            for i in lost:
                infant = self.people[i]
                infant.lost_caregiver = infant.caregiver
                infant.caregiver.remove()
        arriving = np.flatnonzero(self.figure_absent_until == day)
        if len(arriving):
            new = self.draw_caregivers(len(arriving))
            new.disruption[:] = 0.0  # the year holds at most one loss
            self.caregiver_traits.replace_rows(arriving, new)
            for i in arriving:
                caregiver = Caregiver(self, int(i), str(self.caregiver_style[i]))
                self.caregivers[i] = caregiver
                self.people[i].caregiver = caregiver

    def draw_caregivers(self, n: int) -> CaregiverTraits:
        """Caregivers from the population; a dimension set explicitly holds for every one."""
        p = self.params
        return self._with_set_dimensions(
            draw_caregivers(p["caregivers"], n, self.rng, p["spectrum"])
        )

    def _with_set_dimensions(self, traits: CaregiverTraits) -> CaregiverTraits:
        for name in DIMENSIONS:
            if self.params[name] is not None:
                getattr(traits, name)[:] = self.params[name]
        return traits

    # ------------------------------------------------------------------ measures
    def run_strange_situation(self, rng: np.random.Generator) -> StrangeSituationResult:
        """The Strange Situation for every infant (with its own noise from ``rng``): at 12
        months, on the working model of that age even when called later (the re-test)."""
        p = self.params
        return strange_situation(
            self.prototype if self.prototype is not None else self.working_model,
            self.reactivity,
            self.soothability,
            rng,
            noise=p["ssp_noise"],
            d_cutoff=p["ssp_d_cutoff"],
            avoidance_cutoff=p["ssp_avoidance_cutoff"],
            resistance_cutoff=p["ssp_resistance_cutoff"],
        )

    @property
    def observed_sensitivity(self) -> np.ndarray:
        """Share of the infant's bids answered with comfort during the home-visit days."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(
                self._observed_bids > 0, self._observed_comforts / self._observed_bids, np.nan
            )

    def infant_table(self) -> dict[str, np.ndarray]:
        """One entry per person: first caregiver, temperament, working model at 12 months,
        Strange Situation; and, once the run has gone past the first year, the adult outcome."""
        first = self.first_caregiver_traits
        wm = self.prototype if self.prototype is not None else self.working_model
        s = strategy(wm)
        table: dict[str, np.ndarray] = {
            "infant": np.arange(self.n_dyads),
            "caregiver_style": self.caregiver_style,
            **{k: getattr(first, k) for k in DIMENSIONS},
            "disrupted": self.disruption_day >= 0,
            "observed_sensitivity": self.observed_sensitivity,
            "comforted_share": np.where(
                self.bids_total > 0, self.comforts_total / np.maximum(self.bids_total, 1), np.nan
            ),
            "reactivity": self.reactivity,
            "soothability": self.soothability,
            **{k: getattr(wm, k) for k in vars(wm)},
            "anxiety": anxiety(wm),
            "avoidance": avoidance(wm),
            "hyperactivation": s.hyperactivation,
            "deactivation": s.deactivation,
        }
        if self.ssp is not None:
            for k, v in self.ssp.scores.items():
                table[f"ssp_{k}"] = v
            table["ssp_class"] = self.ssp.attachment_class
            table["ssp_organised_class"] = self.ssp.organised_class
            table["secure"] = (self.ssp.attachment_class == "B").astype(int)
        table.update(self.trial_table())
        if self.horizon > 1 and not self.running:
            now = self.snapshot(round(self.age_years))
            table["final_age"] = now["age"]
            for k in ("anxiety", "avoidance", "anxiety_ecr", "avoidance_ecr"):
                table[f"adult_{k}"] = now[k]
            table["adult_category"] = now["category"]
            table["adult_secure"] = now["secure"]
            table["life_events"] = self.life_events.copy()
            table["partners"] = self.partners_count.copy()
            table["breakups"] = self.breakups.copy()
            table["weeks_partnered"] = self.weeks_partnered.copy()
            with np.errstate(invalid="ignore", divide="ignore"):
                table["mean_satisfaction"] = np.where(
                    self.weeks_partnered > 0,
                    self.satisfaction_sum / np.maximum(self.weeks_partnered, 1),
                    np.nan,
                )
                table["need_fulfilment"] = np.where(
                    self.needs > 0, self.needs_met / np.maximum(self.needs, 1), np.nan
                )
        return table


class _Couples:
    """The couples together now, one array entry per couple."""

    # each field and its type (conflict_weeks counts weeks, but is summed from booleans)
    FIELDS: dict[str, type] = {
        "id": int,
        "a": int,
        "b": int,
        "start": int,
        "category_a": object,
        "category_b": object,
        "weeks": int,
        "satisfaction_sum": float,
        "demand_withdraw_weeks": float,
        "conflict_weeks": float,
        "needs": int,
        "needs_met": int,
    }

    def __init__(self) -> None:
        self.next_id = 0
        for name, dtype in self.FIELDS.items():
            setattr(self, name, np.empty(0, dtype=dtype))

    def __len__(self) -> int:
        return len(self.a)

    def add(self, a, b, week: int, category_a, category_b) -> None:
        k = len(a)
        new = dict(
            id=np.arange(self.next_id, self.next_id + k),
            a=a,
            b=b,
            start=np.full(k, week),
            category_a=np.asarray(category_a, dtype=object),
            category_b=np.asarray(category_b, dtype=object),
        )
        self.next_id += k
        for name in self.FIELDS:
            value = new.get(name, np.zeros(k, dtype=getattr(self, name).dtype))
            setattr(self, name, np.concatenate([getattr(self, name), value]))

    def remove(self, rows: np.ndarray) -> None:
        keep = np.ones(len(self), dtype=bool)
        keep[rows] = False
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name)[keep])
