"""Ways towards security: each intervention against randomised controls in the same runs.

Run:  attachment-sim experiment interventions [--runs 30 --workers 2 --seed 2026 --out DIR]
  or: python experiments/interventions.py [same flags]

Each adult intervention is given at AGE, for WEEKS, to a random half (SHARE) of the TARGET group
of a POPULATION raised by all four kinds of caregiver; the other half are the controls, and a
couple is randomised as one (a treated person's partner is never a control). Effects are the
change from the start to 1 year after the end, treated minus controls, as Cohen's d with a 95%
interval from resampling whole runs. Anxiety and avoidance are read by questionnaire (with the
ECR's retest error); satisfaction is that of people partnered at both times.
The caregiver programme (video feedback on sensitivity) is given at INFANT_AGE to a random half
of the caregivers of the normative mix; its effects are on observed sensitivity at 9 months and
on security in the Strange Situation at 12 months.
At the defaults (30 runs of 200 people per intervention) it takes about 2 minutes with 2 workers.

A model is not a clinical trial: the sizes follow from the assumed strength of each mechanism
(simulation/model/interventions.py). Copy this file and edit TARGET, AGE, WEEKS or DOSE to try
yours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation import trial_figures
from simulation.experiment import script_main
from simulation.figures import save_figure
from simulation.measures import effect_of_change
from simulation.model.interventions import INFANCY_INTERVENTIONS, INTERVENTIONS, follow_up_age
from simulation.model.parameters import validate
from simulation.storage import write_json, write_table
from simulation.sweep import Options, run_sweep

# ---- the model and its parameters -------------------------------------------------------------
NAME = "interventions"
RUNS, SEED, DYADS = 30, 2026, 200
POPULATION = "balanced"  # every insecure style is common (the normative mix has few preoccupied)
TARGET = "insecure"  # who may take part: everyone, insecure, or one category
AGE, WEEKS, DOSE, SHARE = 25.0, 26, 1.0, 0.5
INFANT_AGE, INFANT_POPULATION = 0.25, "normative"  # the caregiver programme, from 3 months
ADULT = [i for i in INTERVENTIONS if i not in INFANCY_INTERVENTIONS]
TRIAL = dict(intervention_weeks=WEEKS, intervention_dose=DOSE, intervention_share=SHARE)
_ADULT_TRIAL = dict(TRIAL, caregivers=POPULATION, intervention_target=TARGET, intervention_age=AGE)
# every adult run ends just after its follow-up
HORIZON = int(np.ceil(follow_up_age(validate(intervention=ADULT[0], **_ADULT_TRIAL))))
POPULATIONS: dict[str, dict] = {
    **{i: dict(_ADULT_TRIAL, intervention=i, horizon_years=HORIZON) for i in ADULT},
    "caregiver_sensitivity": dict(
        TRIAL,
        caregivers=INFANT_POPULATION,
        intervention="caregiver_sensitivity",
        intervention_age=INFANT_AGE,
        intervention_target="everyone",
        horizon_years=1,
    ),
}
OUTCOMES = {"anxiety": "anxiety_ecr", "avoidance": "avoidance_ecr", "satisfaction": "satisfaction"}
BOOTSTRAP = 1000


def run(options: Options | None = None) -> dict:
    # ---- the sweep: RUNS replicates of every intervention, stored as they finish ---------------
    results = run_sweep(
        NAME,
        POPULATIONS,
        runs=RUNS,
        seed=SEED,
        fixed={"n_dyads": DYADS},
        options=options,
        keep=("runs", "infants"),
    )
    people, out = results.infants, results.out
    rng = np.random.default_rng(results.seed)

    # ---- the numbers ----------------------------------------------------------------------------
    rows = []
    for name in ADULT:
        trial = people[people["population"] == name]
        for outcome, column in OUTCOMES.items():
            effect = effect_of_change(
                trial, f"baseline_{column}", f"followup_{column}", rng, BOOTSTRAP
            )
            rows.append(dict(intervention=name, outcome=outcome, **effect))
    infants = people[people["population"] == "caregiver_sensitivity"]
    for outcome, column in (("sensitivity", "observed_sensitivity"), ("security", "secure")):
        # no "before" in the first year: the difference of the levels (change from zero)
        frame = infants.assign(before=0.0)
        effect = effect_of_change(frame, "before", column, rng, BOOTSTRAP)
        rows.append(dict(intervention="caregiver_sensitivity", outcome=outcome, **effect))
    effects = pd.DataFrame(rows)

    def pick(name: str, outcome: str, key: str = "d") -> float:
        row = effects[(effects["intervention"] == name) & (effects["outcome"] == outcome)]
        return float(row[key].iloc[0])

    summary = {
        "experiment": NAME,
        "runs": results.runs_per_point,
        "seed": results.seed,
        "population": POPULATION,
        "target": TARGET,
        "age": AGE,
        "weeks": WEEKS,
        "dose": DOSE,
        "effect_d": {i: {o: pick(i, o) for o in OUTCOMES} for i in ADULT},
        "effect_d_interval": {
            i: {o: [pick(i, o, "low"), pick(i, o, "high")] for o in OUTCOMES} for i in ADULT
        },
        "change_treated": {i: {o: pick(i, o, "treated") for o in OUTCOMES} for i in ADULT},
        "change_control": {i: {o: pick(i, o, "control") for o in OUTCOMES} for i in ADULT},
        "sensitivity_intervention": {
            "sensitivity_d": pick("caregiver_sensitivity", "sensitivity"),
            "security_d": pick("caregiver_sensitivity", "security"),
            "sensitivity_d_interval": [
                pick("caregiver_sensitivity", "sensitivity", k) for k in ("low", "high")
            ],
            "security_d_interval": [
                pick("caregiver_sensitivity", "security", k) for k in ("low", "high")
            ],
            "secure_treated": float(
                infants.loc[infants["trial_arm"] == "treated", "secure"].mean()
            ),
            "secure_control": float(
                infants.loc[infants["trial_arm"] == "control", "secure"].mean()
            ),
        },
    }

    # ---- the figures ---------------------------------------------------------------------------
    runs = results.runs_per_point
    files = [
        write_table(effects, out / "effects.csv"),
        *save_figure(
            trial_figures.intervention_effects_figure(effects, ADULT, runs, POPULATION, TARGET),
            out,
            "intervention_effects",
        ),
        *save_figure(
            trial_figures.caregiver_programme_figure(infants, runs, INFANT_POPULATION),
            out,
            "caregiver_programme",
        ),
        write_json(summary, out / "summary.json"),
    ]
    results.finish(files, summary)
    return summary


if __name__ == "__main__":
    script_main(run, __doc__.splitlines()[0])
