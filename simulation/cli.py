"""The ``attachment-sim`` command: run the model, run experiments, show one Strange Situation."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from simulation.experiment import (
    add_experiment_flags,
    available_experiments,
    load_experiment,
    options_from,
    positive_int,
    run_reporting_errors,
    seed_int,
)
from simulation.model.parameters import PARAMETERS, ParameterError, parse_assignment, validate
from simulation.storage import write_json, write_table

PROG = "attachment-sim"


# ------------------------------------------------------------------ demo
def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port = {text!r}: allowed an integer from 1 to 65535")
    return value


# Solara's chart widget asks for vega@5, vega-lite@5 and vega-embed@6; solara-assets installs them
# under their full versions (vega@5.21.0, ...). Offline, Solara serves only what is on disk.
CHART_LIBRARIES = ("vega", "vega-lite", "vega-embed")


def offline_chart_assets() -> list[str]:
    """Give each installed chart library its major-version name too (once; a relative link, or
    a copy where links are not allowed). Returns the names it could not provide."""
    import re
    import shutil

    from solara.server import settings

    folder = Path(settings.assets.proxy_cache_dir)
    missing = []
    for library in CHART_LIBRARIES:
        installed = [
            e
            for e in folder.glob(f"{library}@*")
            if re.fullmatch(rf"{library}@\d+\.\d+\.\d+", e.name)
        ]
        for entry in installed:
            alias = folder / f"{library}@{entry.name.split('@')[1].split('.')[0]}"
            if alias.exists():
                continue
            try:
                alias.symlink_to(entry.name, target_is_directory=True)
            except OSError:
                try:
                    shutil.copytree(entry, alias)
                except OSError:
                    missing.append(alias.name)
        if not installed:
            missing.append(library)
    return missing


def command_demo(args: argparse.Namespace) -> int:
    """Run Solara's server on the demo page (the front end is served locally: no internet)."""
    import socket

    try:
        with socket.create_server((args.host, args.port)):
            pass
    except OSError as error:
        raise ParameterError(
            f"demo --host {args.host} --port {args.port}: cannot listen there ({error.strerror});"
            " choose another --port (or --host)"
        ) from None
    missing = offline_chart_assets()
    if missing:
        print(f"note: no local copy of {', '.join(missing)}: charts need internet", file=sys.stderr)
    app = Path(__file__).with_name("app.py")
    print(f"Classroom demo: open http://{args.host}:{args.port} in a browser (Ctrl-C stops it)")
    command = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host]
    command += ["--port", str(args.port), "--production", "--no-open", "--no-check-version"]
    # nothing leaves this computer: no version check, no usage statistics
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    sys.stdout.flush()
    # this process becomes the server, so Ctrl-C and kill reach it directly
    os.execve(sys.executable, command, env)
    return 0  # not reached


# ------------------------------------------------------------------ run
def _collect_settings(args: argparse.Namespace) -> dict[str, Any]:
    settings = dict(parse_assignment(text) for text in args.set or [])
    if args.dyads is not None:
        settings["n_dyads"] = args.dyads
    return validate(settings)


def command_run(args: argparse.Namespace) -> int:
    from simulation.measures import class_shares, correlation, retest_agreement
    from simulation.model.strange_situation import CLASS_NAMES
    from simulation.runner import run_replicates

    params = _collect_settings(args)
    results = run_replicates(
        params, runs=args.runs, seed=args.seed, workers=args.workers, progress=not args.quiet
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
        line = f"{cls} {CLASS_NAMES[cls]:26s}{row['share']:7.3f}"
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
    import numpy as np

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
    print("  change from the start to 1 year after the end (Cohen's d: treated minus controls)")
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


# ------------------------------------------------------------------ ssp
def _distress_word(level: float) -> str:
    for limit, word in ((0.25, "calm"), (0.7, "fussing"), (1.4, "crying"), (np.inf, "crying hard")):
        if level < limit:
            return word
    return ""


def _reunion_words(scores: dict[str, float]) -> str:
    words = []
    if scores["proximity_seeking"] >= 5:
        words.append("goes straight to the caregiver")
    elif scores["proximity_seeking"] <= 2.5:
        words.append("does not approach")
    if scores["contact_maintaining"] >= 5:
        words.append("clings once picked up")
    if scores["resistance"] >= 4:
        words.append("angrily pushes away while wanting contact")
    if scores["avoidance"] >= 4:
        words.append("looks away and ignores the caregiver")
    if scores["disorganisation"] >= 5:
        words.append("freezes, approaches with head averted")
    return "; ".join(words) or "greets the caregiver and settles"


def command_ssp(args: argparse.Namespace) -> int:
    from simulation.model import AttachmentModel
    from simulation.model.caregiving import MIXES
    from simulation.model.strange_situation import CLASS_NAMES, EPISODES, REUNIONS

    if args.caregiver not in MIXES:
        raise ParameterError(
            f"--caregiver {args.caregiver!r} is unknown: allowed {', '.join(MIXES)}"
        )

    settings = dict(parse_assignment(text) for text in args.set or [])
    settings.update(n_dyads=1, caregivers=args.caregiver, horizon_years=1)
    model = AttachmentModel(rng=args.seed, **validate(settings))
    while model.running:
        model.step()
    ssp, infant = model.ssp, model.people[0]
    assert ssp is not None
    p = model.params
    traits = model.first_caregiver_traits.row(0)
    print(
        f"Strange Situation at 12 months: one infant raised by a '{args.caregiver}' caregiver "
        f"(seed {args.seed})\n"
    )
    print("Caregiver: " + ", ".join(f"{k} {v:.2f}" for k, v in traits.items()))
    if model.disruption_day[0] >= 0:
        print(f"  (this caregiver was lost on day {model.disruption_day[0]}; a new one followed)")
    print(
        f"Infant: reactivity {infant.reactivity:.2f} (1 = average), "
        f"soothability {infant.soothability:.2f} (0-1)\n"
    )
    print(f"{'Episode (3 minutes each)':34s}{'with the infant':24s}felt distress")
    for e, (name, present, _) in enumerate(EPISODES):
        level = ssp.distress[0, e]
        print(f"{e + 1}. {name:31s}{present:24s}{level:4.2f} {_distress_word(level)}")
        if e in REUNIONS:
            r = REUNIONS.index(e)
            scores = {k: float(v[0, r]) for k, v in ssp.reunion_scores.items()}
            print(
                "     ratings: proximity seeking {proximity_seeking:.1f}/7, contact maintaining "
                "{contact_maintaining:.1f}/7, resistance {resistance:.1f}/7, avoidance "
                "{avoidance:.1f}/7, disorganisation {disorganisation:.1f}/9".format(**scores)
            )
            print(f"     seen: {_reunion_words(scores)}")
    scores = {k: float(v[0]) for k, v in ssp.scores.items()}
    cls = str(ssp.attachment_class[0])
    print(
        "\nScores (higher of the two reunions): "
        + ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in scores.items())
    )
    reason = {
        "D": f"disorganisation {scores['disorganisation']:.1f} >= {p['ssp_d_cutoff']:g}",
        "A": f"avoidance {scores['avoidance']:.1f} >= {p['ssp_avoidance_cutoff']:g} "
        "and not below resistance",
        "C": f"resistance {scores['resistance']:.1f} >= {p['ssp_resistance_cutoff']:g} "
        "and above avoidance",
        "B": "neither avoidance nor resistance reaches its cut-off, no disorganisation",
    }[cls]
    extra = f" (best-fitting organised class {ssp.organised_class[0]})" if cls == "D" else ""
    print(f"Class: {cls} {CLASS_NAMES[cls]}{extra}: {reason}.")
    wm = infant.working_model
    print(
        "\nWhat the infant had learned (the coder never sees this): "
        + ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in wm.items())
        + f"; anxiety {infant.anxiety:.2f}, avoidance {infant.avoidance:.2f}"
    )
    return 0


# ------------------------------------------------------------------ validate
def command_validate(args: argparse.Namespace) -> int:
    from simulation.validation import command

    return command.run(args)


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


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    from simulation.model.caregiving import MIXES

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Agent-based simulation of how attachment develops.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the model (or R replicates) and print class shares and adult outcomes",
        description="Run the model to its horizon (default: birth to 30) and print the Strange "
        "Situation class shares at 12 months (with 95%% intervals when --runs > 1), the adult "
        "categories, how infant classes carried into them, and couple outcomes. "
        "--set horizon_years=1 runs the first year only.",
    )
    run.add_argument("--dyads", type=positive_int, help="number of caregiver-infant pairs")
    run.add_argument("--seed", type=seed_int, default=0, help="random seed (default 0)")
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="set any model parameter (repeatable); see 'attachment-sim params'",
    )
    run.add_argument("--runs", type=positive_int, default=1, help="replicates (default 1)")
    run.add_argument("--workers", type=positive_int, default=1, help="worker processes")
    run.add_argument("--out", type=Path, help="also write the tables and summary.json here")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=command_run)

    exp = sub.add_parser(
        "experiment",
        help="run an experiment script from experiments/ (or a path to one)",
        description="Run experiments/NAME.py (or a script given by path) and write its tables, "
        "figures and summary.json. Available: " + ", ".join(available_experiments()),
    )
    exp.add_argument("name", metavar="NAME-or-PATH", help="experiment name or script path")
    add_experiment_flags(exp)
    exp.set_defaults(func=command_experiment)

    ssp = sub.add_parser(
        "ssp",
        help="show one infant's Strange Situation, episode by episode",
        description="Raise one infant for a year with the chosen caregiving, then print its "
        "Strange Situation episode by episode, with scores and class.",
    )
    ssp.add_argument(
        "--caregiver",
        default="consistent",
        help=f"caregiver preset or mix: {', '.join(MIXES)} (default consistent)",
    )
    ssp.add_argument("--seed", type=seed_int, default=0, help="random seed (default 0)")
    ssp.add_argument("--set", action="append", metavar="NAME=VALUE", help="set a model parameter")
    ssp.set_defaults(func=command_ssp)

    params = sub.add_parser(
        "params",
        help="print every model parameter with default, range, unit and meaning",
        description="Print the parameter table (Markdown).",
    )
    params.set_defaults(func=command_params)

    from simulation.validation import command as validation  # flags live with the checks

    validate_cmd = sub.add_parser(
        "validate", help=validation.HELP, description=validation.DESCRIPTION
    )
    validation.add_arguments(validate_cmd)
    validate_cmd.set_defaults(func=command_validate)

    demo = sub.add_parser(
        "demo",
        help="start the classroom demo in the browser (local only, works offline)",
        description="Serve the classroom demo (a Solara app) on this computer. Open the printed "
        "address in a browser; every browser tab gets its own model. Stop with Ctrl-C.",
    )
    demo.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 shares it "
        "with the local network)",
    )
    demo.add_argument("--port", type=port_number, default=8765, help="port (default 8765)")
    demo.set_defaults(func=command_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return run_reporting_errors(lambda: args.func(args), PROG)


if __name__ == "__main__":
    sys.exit(main())
