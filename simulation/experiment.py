"""What experiment scripts share: the standard flags, safe result folders, atomic writes.

A results folder holds a ``manifest.json`` written last, once everything else is in place. Running
the same experiment with the same settings and code again reuses the folder; other settings of the
same experiment replace it; another experiment's folder is refused unless ``overwrite`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

import simulation

PACKAGE_DIR = Path(simulation.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
MANIFEST = "manifest.json"


class ExperimentError(RuntimeError):
    """A problem with an experiment's name, script or results folder (message is one line)."""


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
    """Import an experiment script as a module; it must define ``run(...)``."""
    path = find_experiment(name_or_path)
    spec = importlib.util.spec_from_file_location(f"experiment_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise ExperimentError(f"experiment script {path} has no run(...) function")
    return module


# ------------------------------------------------------------------ standard flags
def _int_at_least(minimum: int, allowed: str) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}: allowed {allowed}")
        return value

    return convert


positive_int = _int_at_least(1, "an integer of at least 1")
seed_int = _int_at_least(0, "an integer of 0 or more")


def add_experiment_flags(parser: argparse.ArgumentParser) -> None:
    """The flags every experiment takes (defaults come from the script's run())."""
    parser.add_argument("--runs", type=positive_int, help="replicates per population")
    parser.add_argument("--workers", type=positive_int, help="parallel worker processes")
    parser.add_argument(
        "--seed", type=seed_int, help="master seed; every run's seed derives from it"
    )
    parser.add_argument("--out", type=Path, help="results folder (default: results/NAME)")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace a folder holding another experiment"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def call_run(run: Callable[..., Any], args: argparse.Namespace) -> Any:
    """Call the script's run() with the flags that were given (others keep its defaults)."""
    given = {
        k: getattr(args, k)
        for k in ("runs", "workers", "seed", "out")
        if getattr(args, k, None) is not None
    }
    if args.overwrite:
        given["overwrite"] = True
    if args.quiet:
        given["progress"] = False
    return run(**given)


def script_main(run: Callable[..., Any], description: str) -> None:
    """``python experiments/NAME.py [flags]``: the same flags as ``attachment-sim experiment``."""
    from simulation.parameters import ParameterError

    parser = argparse.ArgumentParser(description=description)
    add_experiment_flags(parser)
    args = parser.parse_args()
    try:
        call_run(run, args)
    except (ExperimentError, ParameterError, ValueError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    except KeyboardInterrupt:
        parser.exit(130, f"\n{parser.prog}: interrupted; run the same command again to redo.\n")


# ------------------------------------------------------------------ results folders
def code_fingerprint(*extra: Path) -> str:
    """Hash of the model's source (and extra files): results from other code are not reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")) + [Path(p) for p in extra]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare_folder(out: Path, config: dict[str, Any], overwrite: bool = False) -> bool:
    """Get ``out`` ready for results of ``config``; True when it already holds them, complete."""
    manifest_path = out / MANIFEST
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError):
            raise ExperimentError(
                f"{manifest_path} is not a valid manifest: remove the folder or pass --overwrite"
            ) from None
        if manifest.get("config") == config and manifest.get("complete"):
            return True
        if manifest.get("config", {}).get("experiment") != config["experiment"] and not overwrite:
            raise ExperimentError(
                f"{out} holds results of experiment "
                f"{manifest.get('config', {}).get('experiment')!r}, not {config['experiment']!r}:"
                " choose another --out or pass --overwrite"
            )
        manifest_path.unlink()  # same experiment, other settings: its results are replaced
    out.mkdir(parents=True, exist_ok=True)
    return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write: Callable[[str], None]) -> Path:
    """Write ``path`` through a temporary file renamed into place: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; results are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.6g"))


def _json_safe(data: Any) -> Any:
    """NaN (an undefined correlation) becomes null, so the file is strict JSON."""
    if isinstance(data, dict):
        return {k: _json_safe(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_json_safe(v) for v in data]
    if isinstance(data, float) and data != data:
        return None
    return data


def write_json(data: Any, path: Path) -> Path:
    text = json.dumps(_json_safe(data), indent=2, allow_nan=False) + "\n"
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def read_summary(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text())


def finish_folder(out: Path, config: dict[str, Any], started: float, files: list[Path]) -> None:
    """Write the manifest last: its presence marks the folder complete."""
    write_json(
        {
            "config": config,
            "complete": True,
            "seconds": round(time.time() - started, 2),
            "python": sys.version.split()[0],
            "files": sorted(str(p.relative_to(out)) for p in files),
        },
        out / MANIFEST,
    )
