"""The ``attachment-sim`` command: its parser and dispatch, the demo server, one infant's Strange
Situation and the validation report; the commands run, experiment and params are in
``simulation.commands``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from simulation.commands import (  # the commands run, experiment and params
    command_experiment,
    command_params,
    command_run,
)
from simulation.experiment import (
    BATCH_HELP,
    add_experiment_flags,
    available_experiments,
    positive_int,
    run_reporting_errors,
    seed_int,
)
from simulation.model.parameters import ParameterError, parse_assignment, validate
from simulation.runner import DEFAULT_BATCH

PROG = "attachment-sim"
__all__ = ["PROG", "build_parser", "main"]


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
    app = Path(__file__).parent / "demo" / "app.py"
    print(f"Classroom demo: open http://{args.host}:{args.port} in a browser (Ctrl-C stops it)")
    command = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host]
    command += ["--port", str(args.port), "--production", "--no-open", "--no-check-version"]
    # nothing leaves this computer: no version check, no usage statistics
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    sys.stdout.flush()
    # this process becomes the server, so Ctrl-C and kill reach it directly
    os.execve(sys.executable, command, env)
    return 0  # not reached


# ------------------------------------------------------------------ ssp
def command_ssp(args: argparse.Namespace) -> int:
    from simulation.model import AttachmentModel
    from simulation.model.caregiving import MIXES
    from simulation.narration import plain_text, story

    if args.caregiver not in MIXES:
        raise ParameterError(
            f"--caregiver {args.caregiver!r} is unknown: allowed {', '.join(MIXES)}"
        )

    settings = dict(parse_assignment(text) for text in args.set or [])
    settings.update(n_dyads=1, caregivers=args.caregiver, horizon_years=1)
    model = AttachmentModel(rng=args.seed, **validate(settings))
    while model.running:
        model.step()
    print(
        f"Strange Situation at 12 months: one infant raised by a '{args.caregiver}' caregiver "
        f"(seed {args.seed})\n"
    )
    print(plain_text(story(model, 0)))
    return 0


# ------------------------------------------------------------------ validate
def command_validate(args: argparse.Namespace) -> int:
    from simulation.validation import command

    return command.run(args)


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
    run.add_argument(
        "--batch", type=positive_int, default=DEFAULT_BATCH, metavar="N", help=BATCH_HELP
    )
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
