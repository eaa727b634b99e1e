"""The recorded output of every experiment at a small size: the guard that a change meant to
leave results alone (a move, a rename, a faster path) really does.

    python -m tests.golden.record            # compare with the record (what the test does)
    python -m tests.golden.record --update   # re-record: only in a commit that says why

Each experiment runs at the current seeds and defaults, small: its summary and a hash of every
stored table (rows sorted by their keys, every column and value) are kept in ``experiments.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.experiment import load_experiment
from simulation.model import AttachmentModel
from simulation.model.parameters import validate
from simulation.storage import SORT_KEYS, TABLES, load_results
from simulation.sweep import Options

RECORD = Path(__file__).with_name("experiments.json")
SEED = 3
# experiment -> (runs, settings, module attributes to shrink); small enough for the test suite
EXPERIMENTS: dict[str, tuple[int, dict[str, Any], dict[str, Any]]] = {
    "caregiving": (2, {"n_dyads": 20}, {}),
    "life_course": (2, {"n_dyads": 20, "horizon_years": 30}, {}),
    "adult_styles": (2, {"n_dyads": 20, "horizon_years": 30}, {}),
    "couples": (2, {"n_dyads": 20, "horizon_years": 30}, {}),
    "interventions": (2, {"n_dyads": 40}, {}),
    "intergenerational": (2, {"n_dyads": 30}, {}),
    "sweep": (
        None,
        {"n_dyads": 12, "days": 90},
        {"GRID_VALUES": [0.1, 0.9], "GRID_RUNS": 1, "MORRIS_TRAJECTORIES": 3},
    ),
}


def table_hash(folder: Path, table: str) -> str | None:
    """SHA-256 of one stored table with its rows in key order; None when it has no rows."""
    results = load_results(folder)
    if not results._parts(table):
        return None
    frame = results.load(table)
    if frame.empty:
        return None
    keys = [k for k in SORT_KEYS[table] if k in frame]
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    digest = hashlib.sha256(",".join(frame.columns).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def measure(name: str, workdir: Path) -> dict[str, Any]:
    """Run one experiment small; its summary and the hash of each table it stored."""
    runs, settings, shrink = EXPERIMENTS[name]
    module = load_experiment(name)
    saved = {k: getattr(module, k) for k in shrink}
    out = workdir / name
    try:
        for key, value in shrink.items():
            setattr(module, key, value)
        options = Options(
            runs=runs, workers=1, seed=SEED, out=out, progress=False, settings=dict(settings)
        )
        module.run(options)
    finally:
        for key, value in saved.items():
            setattr(module, key, value)
    summary = json.loads((out / "summary.json").read_text())
    folders = [out, *(p.parent for p in sorted(out.glob("*/manifest.json")))]
    hashes = {
        f"{folder.relative_to(out).as_posix() or '.'}:{table}": table_hash(folder, table)
        for folder in folders
        if (folder / "manifest.json").exists()
        for table in TABLES
    }
    return {"summary": summary, "tables": hashes}


# Single runs whose every table is hashed, including those the experiments do not keep: the
# whole life course with its time series and couples' weekly log, each kind of intervention.
MODELS: dict[str, dict[str, Any]] = {
    "life_course": {"n_dyads": 30, "horizon_years": 30},
    "generations": {"n_dyads": 20, "horizon_years": 35, "generations": 2},
    "caregiver_sensitivity": {
        "n_dyads": 30,
        "intervention": "caregiver_sensitivity",
        "intervention_age": 0.4,
    },
    **{
        name: {"n_dyads": 30, "horizon_years": 30, "intervention": name}
        for name in ("communication_skills", "secure_partner", "attachment_therapy", "cbt_therapy")
    },
}


def frame_hash(columns: dict[str, Any] | pd.DataFrame) -> str:
    frame = pd.DataFrame(columns)
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def measure_model(params: dict[str, Any], seed: int = SEED) -> dict[str, str]:
    """One run (every generation) to its end; a hash of each of its tables."""
    from simulation.model.run import RunSpec, simulate

    output = simulate(RunSpec("golden", 0, seed, validate(params)))
    hashes = {"summary": frame_hash([output.summary])}
    hashes.update({name: frame_hash(columns) for name, columns in output.tables.items()})
    model = AttachmentModel(rng=seed, trace_couples=True, **validate(params))
    while model.running:
        model.step()
    hashes["couple_log"] = frame_hash(model.couples.log)
    return hashes


def measure_all(names: list[str] | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        record = {name: measure(name, Path(tmp)) for name in names or list(EXPERIMENTS)}
    record["models"] = {name: measure_model(params) for name, params in MODELS.items()}
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the record anew")
    args = parser.parse_args(argv)
    now = measure_all()
    if args.update:
        RECORD.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(now)} experiments in {RECORD}")
        return 0
    before = json.loads(RECORD.read_text())
    changed = [name for name in now if now[name] != before.get(name)]
    print("identical" if not changed else f"changed: {', '.join(changed)}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
