"""The commands that run the model and experiments, and the parameter table: ``attachment-sim
run``, ``experiment`` and ``params`` (the parser is in ``simulation.cli``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from simulation.experiment import load_experiment, options_from
from simulation.labels import class_label, years_label
from simulation.model.interventions import FOLLOW_UP_YEARS
from simulation.model.parameters import PARAMETERS, parse_assignment, validate
from simulation.storage import write_json, write_table


# ------------------------------------------------------------------ run
def _collect_settings(args: argparse.Namespace) -> dict[str, Any]:
    settings = dict(parse_assignment(text) for text in args.set or [])
    if args.dyads is not None:
        settings["n_dyads"] = args.dyads
    return validate(settings)


def command_run(args: argparse.Namespace) -> int:
    from simulation.measures import class_shares, correlation, retest_agreement
    from simulation.runner import run_replicates

    params = _collect_settings(args)
    results = run_replicates(
        params,
        runs=args.runs,
        seed=args.seed,
        workers=args.workers,
        progress=not args.quiet,
        batch=args.batch,
    )
    infants = results.infants
    shares = class_shares(infants).set_index("ssp_class")
    changed = {k: v for k, v in params.items() if v != PARAMETERS[k].default}
    print(
        f"\n{args.runs} run(s) x {params['n_dyads']} dyads, seed {args.seed}, "
        + (", ".join(f"{k}={v}" for k, v in changed.items()) or "default parameters")
    )
    interval = args.runs > 1
    print(f"{'Strange Situation class':28s}{'share':>7s}" + ("   95% interval" if interval else ""))
    for cls, row in shares.iterrows():
        line = f"{class_label(cls):28s}{row['share']:7.3f}"
        if interval:
            line += f"   [{max(0.0, row['low']):.3f}, {min(1.0, row['high']):.3f}]"
        print(line)
    print(
        f"mean anxiety {infants['anxiety'].mean():.3f}, mean avoidance "
        f"{infants['avoidance'].mean():.3f} (0-1 scales)\n"
        f"observed sensitivity - security r = "
        f"{correlation(infants['observed_sensitivity'], infants['secure']):.3f}; "
        f"Strange Situation re-test agreement {retest_agreement(infants):.3f}"
    )
    adult = _print_adult_outcomes(results) if "adult_category" in infants else {}
    if "trial_arm" in infants:
        adult["trial"] = _print_trial(infants, args.seed)
    if "generation" in infants:
        adult["generations"] = _print_generations(infants)
    if args.out:
        out = Path(args.out)
        write_table(results.runs, out / "runs.csv")
        write_table(infants, out / "infants.csv")
        write_table(results.timeseries, out / "timeseries.csv")
        for table in ("life", "couples"):
            frame = getattr(results, table)
            if len(frame):
                write_table(frame, out / f"{table}.csv")
        summary = {
            "runs": args.runs,
            "seed": args.seed,
            "parameters": params,
            "shares": {c: float(shares.loc[c, "share"]) for c in shares.index},
            **adult,
        }
        write_json(summary, out / "summary.json")
        print(f"tables and summary.json written to {out}/")
    return 0


def _print_adult_outcomes(results: Any) -> dict[str, Any]:
    """Adult categories, how infant classes carried into them, and couple outcomes."""
    from simulation.measures import correlation, infant_to_adult
    from simulation.model.life_course import CATEGORIES

    infants, couples = results.infants, results.couples
    age = int(infants["final_age"].max())
    shares = infants["adult_category"].value_counts(normalize=True)
    print(f"\nAdult category at {age} (anxiety and avoidance on the ECR 1-7 scale)")
    for category in CATEGORIES:
        print(f"  {category:12s}{shares.get(category, 0.0):7.3f}")
    flow = infant_to_adult(infants)[1].dropna()
    print(f"Infant class (rows) -> adult category at {age} (columns), share of each row")
    print(flow.round(2).to_string())
    stability = correlation(infants["secure"], infants["adult_secure"])
    print(f"security at 12 months - security at {age}: r = {stability:.3f}")
    summary: dict[str, Any] = {
        "adult_distribution": {c: float(shares.get(c, 0.0)) for c in CATEGORIES},
        "infant_to_adult": flow.to_dict(orient="index"),
        "stability_r": stability,
    }
    if len(couples):
        observed = couples[couples["observed_3y"]]
        breakup = observed["broke_up_3y"].mean() if len(observed) else float("nan")
        print(
            f"Couples: {len(couples)}; mean satisfaction {couples['satisfaction'].mean():.3f} "
            f"(0-1); broke up within 3 years {breakup:.3f}; weeks with a pursuer-withdrawer "
            f"episode {couples['demand_withdraw_rate'].mean():.3f}"
        )
        summary["couples"] = {
            "couples": len(couples),
            "satisfaction": float(couples["satisfaction"].mean()),
            "breakup_rate_3y": float(breakup),
            "demand_withdraw_rate": float(couples["demand_withdraw_rate"].mean()),
        }
    return summary


def _print_trial(infants: Any, seed: int) -> dict[str, Any]:
    """The intervention's effect: treated against randomised controls."""
    from simulation.measures import cohens_d, effect_of_change

    arm = infants["trial_arm"]
    print(
        f"\nIntervention: {(arm == 'treated').sum()} treated, {(arm == 'control').sum()} controls"
    )
    if "baseline_anxiety_ecr" not in infants:  # the caregiver programme, in the first year
        out = {}
        for column in ("observed_sensitivity", "secure"):
            t = infants.loc[arm == "treated", column]
            c = infants.loc[arm == "control", column]
            out[column] = dict(treated=float(t.mean()), control=float(c.mean()), d=cohens_d(t, c))
            print(
                f"  {column:22s} treated {t.mean():.3f}  controls {c.mean():.3f}"
                f"  d = {out[column]['d']:+.2f}"
            )
        return out
    out = {}
    rng = np.random.default_rng(seed)
    after = years_label(FOLLOW_UP_YEARS)
    print(f"  change from the start to {after} after the end (Cohen's d: treated minus controls)")
    for column in ("anxiety_ecr", "avoidance_ecr", "satisfaction"):
        e = effect_of_change(infants, f"baseline_{column}", f"followup_{column}", rng, runs=["run"])
        out[column] = e
        print(
            f"  {column:15s} treated {e['treated']:+.3f}  controls {e['control']:+.3f}"
            f"  d = {e['d']:+.2f} [{e['low']:+.2f}, {e['high']:+.2f}]  ({e['n']} people)"
        )
    return out


def _print_generations(infants: Any) -> dict[str, Any]:
    """Shares by generation, and transmission from parents to children."""
    from simulation.measures import transmission

    print("\nGeneration  secure (B) at 12 months  secure adults at the end")
    for g, frame in infants.groupby("generation"):
        adult = (frame["adult_category"] == "secure").mean() if "adult_category" in frame else 0
        print(f"  {g + 1:9d}  {frame['secure'].mean():22.3f}  {adult:24.3f}")
    stats = transmission(infants[infants["generation"] > 0])
    print(
        f"parent secure - child secure: concordance {stats['concordance']:.3f}, kappa"
        f" {stats['kappa']:.3f}, r {stats['r_parent_child_security']:.3f}; share mediated by"
        f" observed sensitivity {stats['sensitivity_mediated_share']:.3f}"
    )
    return stats


# ------------------------------------------------------------------ experiment
def command_experiment(args: argparse.Namespace) -> int:
    options = options_from(args)  # flags and config are checked before the script is loaded
    load_experiment(args.name).run(options)
    return 0


# ------------------------------------------------------------------ params
def parameter_table() -> str:
    """The parameter table in Markdown (the README's copy is generated from this)."""
    lines = ["| name | default | allowed | unit | meaning |", "|---|---|---|---|---|"]
    for p in PARAMETERS.values():
        allowed = (
            ", ".join(p.choices)
            if p.choices
            else f"{p.low:g} - {p.high:g}" + (" or none" if p.optional else "")
        )
        default = "none" if p.default is None else p.default
        lines.append(f"| `{p.name}` | {default} | {allowed} | {p.unit} | {p.meaning} |")
    return "\n".join(lines)


def command_params(args: argparse.Namespace) -> int:
    print(parameter_table())
    return 0
