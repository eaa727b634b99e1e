"""Results on disk: atomic writes, a manifest, Parquet parts written as runs finish, loading.

A results folder:

    manifest.json         settings (and their hash), seeds, versions, git commit, status, timings
    runs/part-*.parquet   one row per run (written last for each part: it marks runs as done)
    infants/, timeseries/, life/, couples/  the other tables, one part each per runs part
    runs.csv, infants.csv, ...              the same tables as CSV, when they are small
    summary.json, *.png, *.svg              what the experiment script makes of them

Every file is written to a temporary name and renamed into place, so a crash never leaves a
half-written file under a real name; parts without their ``runs`` part are discarded on resume.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

import simulation

PACKAGE_DIR = Path(simulation.__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
MANIFEST = "manifest.json"
TABLES = ("runs", "infants", "timeseries", "life", "couples")
SORT_KEYS = {
    "runs": ["point", "run"],
    "infants": ["point", "run", "infant"],
    "timeseries": ["point", "run", "day"],
    "life": ["point", "run", "age", "person"],
    "couples": ["point", "run", "couple"],
}
CSV_MAX_ROWS = 500_000  # tables up to this size are also written as CSV
CSV_SLICE_ROWS = 10_000  # rows converted to pandas at a time while writing a CSV copy


class ResultsError(RuntimeError):
    """A problem with a results folder (message is one line)."""


# ------------------------------------------------------------------ atomic files
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


CSV_FLOAT_FORMAT = "%.6g"  # six significant digits: far finer than any figure the model gives


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    return atomic_write(
        path, lambda tmp: frame.to_csv(tmp, index=False, float_format=CSV_FLOAT_FORMAT)
    )


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def _json_safe(data: Any) -> Any:
    """NaN (an undefined correlation) becomes null, so the file is strict JSON."""
    if isinstance(data, dict):
        return {str(k): _json_safe(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_json_safe(v) for v in data]
    if isinstance(data, float) and data != data:
        return None
    if hasattr(data, "item"):  # numpy scalars
        return _json_safe(data.item())
    return data


def write_json(data: Any, path: Path) -> Path:
    text = json.dumps(_json_safe(data), indent=2, allow_nan=False) + "\n"
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


# ------------------------------------------------------------------ provenance
def config_hash(config: dict[str, Any]) -> str:
    text = json.dumps(_json_safe(config), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Everything that decides what a run produces lives in simulation/model/ (figures, the command
# line and storage do not): results made by other versions of it are never mixed in one folder.
MODEL_DIR = PACKAGE_DIR / "model"


def code_fingerprint(*extra: Path) -> str:
    """Hash of the model folder's source (and extra files): tells results of other code apart."""
    digest = hashlib.sha256()
    model_files = sorted(MODEL_DIR.rglob("*.py"))
    for path in model_files + [Path(p) for p in extra]:
        name = (
            path.relative_to(MODEL_DIR).as_posix() if path.is_relative_to(MODEL_DIR) else path.name
        )
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str | None]:
    names = [
        "attachment-sim",
        "mesa",
        "numpy",
        "pandas",
        "pyarrow",
        "matplotlib",
        "scipy",
        "dask",
        "distributed",
        "SALib",
    ]
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state() -> dict[str, Any]:
    """The project's git commit and whether the work tree had changes (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(PROJECT_DIR), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


# ------------------------------------------------------------------ a results folder
class ResultsFolder:
    """One experiment's folder: preparing, resuming, writing parts, finishing, loading."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    def manifest(self) -> dict[str, Any] | None:
        if not self.manifest_path.is_file():
            return None
        try:
            return read_json(self.manifest_path)
        except (OSError, json.JSONDecodeError):
            raise ResultsError(
                f"{self.manifest_path} is not a valid manifest: remove it or pass --overwrite"
            ) from None

    # -------------------------------------------------------------- starting
    def prepare(self, config: dict[str, Any], code: str, overwrite: bool = False) -> str:
        """Get the folder ready for ``config``: returns 'new', 'resume' or 'complete'."""
        wanted = config_hash(config)
        manifest = self.manifest()
        if manifest is not None and manifest.get("config_hash") != wanted:
            if not overwrite:
                theirs = manifest.get("config", {}).get("experiment")
                raise ResultsError(
                    f"{self.path} holds results of another configuration (experiment {theirs!r},"
                    f" {manifest.get('runs_done', '?')} runs): choose another --out or pass"
                    " --overwrite to replace them"
                )
            self.clear()
            manifest = None
        if manifest is not None and manifest.get("code") != code:
            if overwrite:
                self.clear()
                manifest = None
            elif manifest.get("status") == "complete":
                print(
                    f"note: the results in {self.path} were made by other model code; "
                    "pass --overwrite to make them again",
                    file=sys.stderr,
                )
            else:  # never mix runs of two versions of the model in one result
                self.clear()
                manifest = None
        if manifest is None and (self.path / "runs").exists():
            if not overwrite:
                raise ResultsError(
                    f"{self.path} holds results without a manifest: choose another --out or pass"
                    " --overwrite to replace them"
                )
            self.clear()
        self.path.mkdir(parents=True, exist_ok=True)
        if manifest is None:
            self._write_manifest(
                {
                    "config": config,
                    "config_hash": wanted,
                    "code": code,
                    "status": "running",
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
            )
            return "new"
        self.discard_orphan_parts()
        return "complete" if manifest.get("status") == "complete" else "resume"

    def clear(self) -> None:
        """Remove what an experiment writes here (and nothing else)."""
        for table in TABLES:
            shutil.rmtree(self.path / table, ignore_errors=True)
        for pattern in (
            "*.csv",
            "*.png",
            "*.svg",
            "*.gif",
            "summary.json",
            "report.md",
            MANIFEST,
            ".*.tmp",
        ):
            for file in self.path.glob(pattern):
                file.unlink()

    def _write_manifest(self, data: dict[str, Any]) -> None:
        write_json(data, self.manifest_path)

    def update_manifest(self, **fields: Any) -> None:
        manifest = self.manifest() or {}
        manifest.update(fields)
        self._write_manifest(manifest)

    # -------------------------------------------------------------- parts
    def _parts(self, table: str) -> list[Path]:
        return sorted((self.path / table).glob("part-*.parquet"))

    def discard_orphan_parts(self) -> None:
        """A part counts only once its runs part exists (that one is written last)."""
        done = {p.name for p in self._parts("runs")}
        for table in TABLES[1:]:
            for part in self._parts(table):
                if part.name not in done:
                    part.unlink()
        for folder in (self.path, *(self.path / t for t in TABLES)):
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink()

    def done_runs(self) -> set[tuple[int, int]]:
        """(point, replicate) of every run already stored."""
        parts = self._parts("runs")
        if not parts:
            return set()
        frame = ds.dataset(parts, format="parquet").to_table(columns=["point", "run"]).to_pandas()
        return set(zip(frame["point"].tolist(), frame["run"].tolist(), strict=True))

    def write_part(self, frames: dict[str, pd.DataFrame], keep: tuple[str, ...] = TABLES) -> None:
        """Store finished runs ({table: frame}); ``keep`` names the tables worth their disk
        space (runs always). An empty table (no couples formed yet) writes no part."""
        numbers = [int(p.stem.split("-")[1]) for p in self._parts("runs")]
        name = f"part-{max(numbers, default=-1) + 1:05d}.parquet"
        for table in TABLES[1:]:
            if table in keep and len(frames.get(table, ())):
                write_parquet(frames[table], self.path / table / name)
        write_parquet(frames["runs"], self.path / "runs" / name)  # last: marks them as stored

    # -------------------------------------------------------------- reading
    def dataset(self, table: str) -> ds.Dataset:
        parts = self._parts(table)
        if not parts:
            raise ResultsError(
                f"{self.path} has no {table} table (not run yet, or not kept by the experiment)"
            )
        # parts can differ in columns (e.g. runs that ended at 12 months have no adult columns):
        # read them all under one schema that holds every column of every part
        schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
        return ds.dataset(parts, format="parquet", schema=schema)

    def load(
        self, table: str, columns: list[str] | None = None, filter: Any = None
    ) -> pd.DataFrame:
        """A whole table (or some columns / rows of it), sorted the same way whatever the order
        in which runs finished."""
        frame = self.dataset(table).to_table(columns=columns, filter=filter).to_pandas()
        keys = [k for k in SORT_KEYS[table] if k in frame.columns]
        return frame.sort_values(keys, kind="stable").reset_index(drop=True) if keys else frame

    def batches(self, table: str, columns: list[str] | None = None) -> Iterator[pd.DataFrame]:
        """The table part by part, for analyses whose memory must not grow with the runs (each
        part with its own columns: parts of runs that ended at 12 months lack the adult ones)."""
        for part in self._parts(table):
            yield pq.read_table(part, columns=columns).to_pandas()

    def rows(self, table: str) -> int:
        return sum(pq.ParquetFile(p).metadata.num_rows for p in self._parts(table))

    def write_csv_copies(self) -> list[Path]:
        """Small tables also as CSV (sorted); large ones stay Parquet only."""
        written = []
        for table in TABLES:
            if self._parts(table) and self.rows(table) <= CSV_MAX_ROWS:
                written.append(self._write_csv(table))
        return written

    def _write_csv(self, table: str) -> Path:
        """One table as CSV, sorted as ``load`` sorts it, a slice of rows at a time: built as one
        pandas frame, the tables of a 10,000-run sweep cost its parent about 280 MB."""
        parts = [pq.read_table(p, use_threads=False) for p in self._parts(table)]
        data = pa.concat_tables(parts, promote_options="permissive")  # parts' columns may differ
        keys = [k for k in SORT_KEYS[table] if k in data.column_names]
        order = pc.sort_indices(data.select(keys), [(k, "ascending") for k in keys])  # stable

        def write(tmp: str) -> None:
            with open(tmp, "w", newline="") as out:
                for start in range(0, max(data.num_rows, 1), CSV_SLICE_ROWS):
                    rows = data.take(order[start : start + CSV_SLICE_ROWS])
                    rows.to_pandas().to_csv(
                        out, index=False, header=start == 0, float_format=CSV_FLOAT_FORMAT
                    )

        return atomic_write(self.path / f"{table}.csv", write)


def load_results(folder: Path | str) -> ResultsFolder:
    """Open any results folder for analysis: ``load_results(path).load("infants")``."""
    folder = ResultsFolder(folder)
    if folder.manifest() is None:
        raise ResultsError(f"{folder.path} is not a results folder (no {MANIFEST})")
    return folder
