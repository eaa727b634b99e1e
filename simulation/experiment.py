"""What experiment scripts share: finding them, their flags, the config file.

An experiment script defines ``run(options: Options | None = None) -> dict``; the same flags work
for ``attachment-sim experiment NAME`` and ``python experiments/NAME.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from simulation.model.parameters import ParameterError, parse_assignment
from simulation.runner import DEFAULT_BATCH
from simulation.storage import PROJECT_DIR, ResultsError
from simulation.sweep import Options, RunFailures


class ExperimentError(RuntimeError):
    """A problem with an experiment's name, script or config file (message is one line)."""


# Errors that mean "the user asked for something that cannot be done": one line, exit code 2.
USAGE_ERRORS = (ExperimentError, ParameterError, ResultsError, ConnectionError)


# ------------------------------------------------------------------ finding scripts
def experiment_dirs() -> list[Path]:
    """Where experiments are looked up by name: ./experiments, then the project's own."""
    dirs = [Path.cwd() / "experiments", PROJECT_DIR / "experiments"]
    return list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))


def available_experiments() -> list[str]:
    names = {
        p.stem for d in experiment_dirs() for p in d.glob("*.py") if not p.stem.startswith("_")
    }
    return sorted(names - {"benchmark"})


def find_experiment(name_or_path: str) -> Path:
    """The script for an experiment name (``caregiving``) or a path to a script file."""
    path = Path(name_or_path)
    if path.suffix == ".py" or os.sep in name_or_path or "/" in name_or_path:
        if not path.is_file():
            raise ExperimentError(f"experiment script {name_or_path!r} does not exist")
        return path.resolve()
    for folder in experiment_dirs():
        candidate = folder / f"{name_or_path}.py"
        if candidate.is_file():
            return candidate
    raise ExperimentError(
        f"unknown experiment {name_or_path!r}: allowed {', '.join(available_experiments())}"
        " or a path to a .py script"
    )


def load_experiment(name_or_path: str) -> ModuleType:
    """Import an experiment script as a module; it must define ``run(options)``."""
    path = find_experiment(name_or_path)
    spec = importlib.util.spec_from_file_location(f"experiment_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise ExperimentError(f"experiment script {path} has no run(options) function")
    return module


# ------------------------------------------------------------------ flags and config
def _int_at_least(minimum: int, allowed: str) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: allowed {allowed}")
        return value

    return convert


positive_int = _int_at_least(1, "an integer of at least 1")
seed_int = _int_at_least(0, "an integer of 0 or more")

# --batch of `run` and `experiment`: how many runs one worker computes together. Results are the
# same for any value; only speed and memory depend on it.
BATCH_HELP = f"runs computed together in one batch (default {DEFAULT_BATCH}); 1 = one run at a time"

CONFIG_KEYS = {
    "runs": positive_int,
    "workers": positive_int,
    "seed": seed_int,
    "batch": positive_int,
    "out": str,
    "scheduler": str,
    "overwrite": bool,
    "parameters": dict,
}


def add_experiment_flags(parser: argparse.ArgumentParser) -> None:
    """The flags every experiment takes (unset ones keep the script's defaults)."""
    parser.add_argument("--runs", type=positive_int, help="replicates per parameter set")
    parser.add_argument(
        "--workers", type=positive_int, help="parallel worker processes (default 2)"
    )
    parser.add_argument("--batch", type=positive_int, metavar="N", help=BATCH_HELP)
    parser.add_argument(
        "--seed", type=seed_int, help="master seed; every run's seed derives from it"
    )
    parser.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="set a model parameter for every run (repeatable); see 'attachment-sim params'",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE.toml",
        help="read settings from a TOML file (runs, workers, seed, batch, out, scheduler,"
        " [parameters]); flags given on the command line win",
    )
    parser.add_argument("--out", type=Path, help="results folder (default: results/NAME)")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (default: local processes)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a folder holding results of another configuration",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def read_config(path: Path) -> dict[str, Any]:
    """Settings from a TOML file, checked; every problem is a one-line ExperimentError."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ExperimentError(f"config file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExperimentError(f"config file {str(path)!r} cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ExperimentError(f"config file {str(path)!r} is not valid TOML: {error}") from None
    checked: dict[str, Any] = {}
    for key, value in data.items():
        if key not in CONFIG_KEYS:
            raise ExperimentError(
                f"config file {str(path)!r}: unknown setting {key!r}: allowed "
                + ", ".join(CONFIG_KEYS)
            )
        kind = CONFIG_KEYS[key]
        if kind in (str, bool, dict):
            if not isinstance(value, kind):
                raise ExperimentError(
                    f"config file {str(path)!r}: {key} = {value!r}: allowed a "
                    + {str: "string", bool: "true or false", dict: "table [parameters]"}[kind]
                )
            checked[key] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ExperimentError(
                    f"config file {str(path)!r}: {key} = {value!r}: allowed an integer"
                )
            try:
                checked[key] = kind(value)
            except argparse.ArgumentTypeError as error:
                raise ExperimentError(f"config file {str(path)!r}: {key} = {error}") from None
    for name, value in checked.get("parameters", {}).items():
        try:
            parse_assignment(f"{name}={value}")
        except ParameterError as error:
            raise ExperimentError(f"config file {str(path)!r}: {error}") from None
    return checked


def options_from(args: argparse.Namespace) -> Options:
    """Options from the config file (if any) overridden by the flags given."""
    config = read_config(args.config) if getattr(args, "config", None) else {}
    settings = {
        name: parse_assignment(f"{name}={value}")[1]
        for name, value in config.get("parameters", {}).items()
    }
    settings.update(parse_assignment(text) for text in args.set or [])
    out = args.out if args.out is not None else config.get("out")
    return Options(
        runs=args.runs if args.runs is not None else config.get("runs"),
        workers=args.workers if args.workers is not None else config.get("workers"),
        batch=args.batch if args.batch is not None else config.get("batch"),
        seed=args.seed if args.seed is not None else config.get("seed"),
        out=Path(out) if out is not None else None,
        settings=settings,
        scheduler=args.scheduler if args.scheduler is not None else config.get("scheduler"),
        overwrite=args.overwrite or bool(config.get("overwrite", False)),
        progress=not args.quiet,
    )


def script_main(run: Callable[[Options], Any], description: str) -> None:
    """``python experiments/NAME.py [flags]``: the same flags as ``attachment-sim experiment``."""
    parser = argparse.ArgumentParser(description=description)
    add_experiment_flags(parser)
    args = parser.parse_args()
    sys.exit(run_reporting_errors(lambda: run(options_from(args)), parser.prog))


def run_reporting_errors(job: Callable[[], Any], prog: str) -> int:
    """Run ``job``; turn known errors into one line on stderr and an exit code."""
    try:
        code = job()
    except USAGE_ERRORS as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except RunFailures as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        message = str(interrupt) or "interrupted; run the same command again to resume"
        print(f"\n{prog}: {message}", file=sys.stderr)
        return 130
    return code if isinstance(code, int) else 0
