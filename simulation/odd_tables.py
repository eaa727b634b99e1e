"""The ODD's tables of constants, generated from the code so that they cannot drift.

    python -m simulation.odd_tables           # rewrite the tables in docs/odd.md
    python -m simulation.odd_tables --check   # exit 1 if they differ from the code

Every module of ``simulation/model/`` is read with ``ast`` (the code is not run). Each
module-level UPPER_CASE constant whose value is a number, or a tuple, list or dict built of
numbers (and text), is listed with the comment lines just above it (or beside it) as its
meaning, grouped by module under the first sentence of the module's docstring. Constants are
found wherever they live, so moving one to another module only moves its row.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulation.storage import MODEL_DIR  # the folder the code fingerprint covers

ODD = Path(__file__).resolve().parents[1] / "docs" / "odd.md"
BEGIN = "<!-- constants:begin -->"
END = "<!-- constants:end -->"
INTERVENTIONS_BEGIN = "<!-- interventions:begin -->"
INTERVENTIONS_END = "<!-- interventions:end -->"
NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
BANNER = re.compile(r"^-{3,}")


class Unsupported(ValueError):
    """A value this reader does not evaluate (a call, a comprehension, a name it cannot find)."""


@dataclass
class Constant:
    """One module-level constant: its value (as Python data), meaning and where it is."""

    name: str
    value: Any
    meaning: str
    module: str  # the module's file name without .py
    line: int
    row_labels: dict[int, str]  # for a table of values: comments naming its rows
    as_above: bool = False  # its comment is the one of the constant just before it


@dataclass
class Group:
    """The constants of one module, titled by its docstring's first sentence."""

    module: str
    title: str
    constants: list[Constant]


# ------------------------------------------------------------------ reading the code
def _comments(source: str) -> tuple[dict[int, str], set[int]]:
    """Comment text by line, and the lines that hold nothing but a comment."""
    comments, alone = {}, set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            line, text = token.start[0], token.string.lstrip("#").strip()
            if BANNER.match(text):  # a section banner of the code, not a meaning
                continue
            comments[line] = text
            if not token.line[: token.start[1]].strip():
                alone.add(line)
    return comments, alone


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_number(value: Any) -> bool:
    if _is_number(value):
        return True
    if isinstance(value, tuple):
        return any(_has_number(v) for v in value)
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    return False


_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Pow: lambda a, b: a**b,
}


def evaluate(node: ast.AST, known: dict[str, Any]) -> Any:
    """The value of a literal expression: numbers, text, tuples, lists, dicts, ``dict(...)``,
    ``np.array(...)``, arithmetic and names of constants already read."""
    if isinstance(node, ast.Constant) and (_is_number(node.value) or isinstance(node.value, str)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = evaluate(node.operand, known)
        if _is_number(value):
            return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = evaluate(node.left, known), evaluate(node.right, known)
        if _is_number(left) and _is_number(right):
            return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Name) and node.id in known:
        return known[node.id]
    if isinstance(node, ast.Tuple | ast.List) and not any(
        isinstance(e, ast.Starred) for e in node.elts
    ):
        return tuple(evaluate(e, known) for e in node.elts)
    if isinstance(node, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
    ):
        return {k.value: evaluate(v, known) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        if func == "dict" and not node.args and all(k.arg for k in node.keywords):
            return {k.arg: evaluate(k.value, known) for k in node.keywords}
        if func in ("np.array", "numpy.array") and len(node.args) == 1 and not node.keywords:
            return evaluate(node.args[0], known)
    raise Unsupported(ast.unparse(node))


def _title(docstring: str | None, module: str) -> str:
    """The first sentence of a module's docstring (its first paragraph, up to a full stop)."""
    if not docstring:
        return module
    paragraph = " ".join(docstring.strip().split("\n\n")[0].split())
    # a full stop ends the sentence where a capital letter follows ("et al. 1978" does not)
    match = re.match(r"(.+?)\.(\s+[A-Z]|$)", paragraph)
    return match.group(1) if match else paragraph


def _row_labels(node: ast.AST, comments: dict[int, str], alone: set[int]) -> dict[int, str]:
    """Comments that name the rows of a table-like value: a comment beside a row, or on the
    line above a dict entry."""
    labels: dict[int, str] = {}
    if isinstance(node, ast.Call) and node.args:
        node = node.args[0]
    if isinstance(node, ast.Tuple | ast.List):
        for i, element in enumerate(node.elts):
            end = element.end_lineno or element.lineno
            if end in comments and end not in alone:
                labels[i] = comments[end]
    elif isinstance(node, ast.Dict):
        for i, key in enumerate(node.keys):
            above = key.lineno - 1 if key is not None else 0
            if above in alone:
                labels[i] = comments[above]
    return labels


def read_module(path: Path, known: dict[str, Any]) -> Group:
    """The numeric constants of one module (``known`` gains every constant it could read)."""
    source = path.read_text()
    tree = ast.parse(source)
    comments, alone = _comments(source)
    constants: list[Constant] = []
    # the assignment just before: its last line, its meaning and whether it is listed
    previous: tuple[int, str, bool] | None = None
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value_node = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value_node = statement.target, statement.value
        else:
            previous = None
            continue
        above, line = [], statement.lineno - 1
        while line in alone:
            above.insert(0, comments[line])
            line -= 1
        meaning = " ".join(above)
        beside = comments.get(statement.lineno) if statement.lineno not in alone else None
        if beside:
            meaning = f"{meaning} {beside}".strip()
        # a constant without a comment of its own, right under another, shares its comment
        shared = not meaning and previous is not None and previous[0] == statement.lineno - 1
        if shared:
            meaning = previous[1]
        value, listed = None, False
        if isinstance(target, ast.Name) and NAME.match(target.id):
            try:
                value = evaluate(value_node, known)
                known[target.id] = value
                listed = _has_number(value)
            except Unsupported:
                pass
        if listed:
            constants.append(
                Constant(
                    target.id,
                    value,
                    meaning,
                    path.stem,
                    statement.lineno,
                    _row_labels(value_node, comments, alone),
                    as_above=bool(shared and previous[2] and meaning),
                )
            )
        previous = (statement.end_lineno or statement.lineno, meaning, listed)
    return Group(path.stem, _title(ast.get_docstring(tree), path.stem), constants)


def groups(folder: Path = MODEL_DIR) -> list[Group]:
    """Every module of ``folder`` that has numeric constants, in file-name order. Names a module
    imports from another are resolved by reading the modules again until nothing changes."""
    paths = sorted(folder.glob("*.py"))
    known: dict[str, Any] = {}
    result: list[Group] = []
    for _ in range(len(paths) + 1):  # enough passes for any order of imports
        before = dict(known)
        result = [read_module(path, known) for path in paths]
        if known == before:
            break
    return [g for g in result if g.constants]


def constants(folder: Path = MODEL_DIR) -> dict[str, Constant]:
    """Every numeric constant by name."""
    return {c.name: c for g in groups(folder) for c in g.constants}


def constant_names(folder: Path = MODEL_DIR) -> set[str]:
    """Every module-level UPPER_CASE name of the model's modules, numeric or not."""
    names = set()
    for path in folder.glob("*.py"):
        for statement in ast.parse(path.read_text()).body:
            targets = (
                statement.targets
                if isinstance(statement, ast.Assign)
                else [statement.target]
                if isinstance(statement, ast.AnnAssign)
                else []
            )
            names |= {t.id for t in targets if isinstance(t, ast.Name) and NAME.match(t.id)}
    return names


# ------------------------------------------------------------------ writing the tables
def number(value: Any) -> str:
    """A number as the tables print it (up to 6 significant digits)."""
    if isinstance(value, int):
        return str(value)
    return f"{value:g}"


def _cell(value: Any) -> str:
    if _is_number(value):
        return number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "(" + ", ".join(_cell(v) for v in value) + ")"
    return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())


def _is_table(value: Any) -> bool:
    """A value shown as a table of its own: records (a tuple of tuples) or a dict of dicts."""
    if isinstance(value, tuple) and value and all(isinstance(v, tuple) for v in value):
        return len({len(v) for v in value}) == 1
    return (
        isinstance(value, dict) and bool(value) and all(isinstance(v, dict) for v in value.values())
    )


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _table(c: Constant) -> list[str]:
    value = c.value
    if isinstance(value, dict):
        columns = list(dict.fromkeys(k for row in value.values() for k in row))
        lines = ["| | " + " | ".join(f"`{k}`" for k in columns) + " |"]
        lines.append("|---|" + "---|" * len(columns))
        for key, row in value.items():
            cells = [_cell(row[k]) if k in row else "" for k in columns]
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
        return lines
    width = len(value[0])
    labels = [c.row_labels.get(i) for i in range(len(value))]
    if all(labels) and width == len(value):  # a square matrix with named rows
        header = labels
    else:
        match = re.match(r"\(([^()]*)\)", c.meaning)
        parts = [p.strip() for p in match.group(1).split(",")] if match else []
        header = parts if len(parts) == width else [str(i + 1) for i in range(width)]
    lines = ["| # | " + " | ".join(_escape(h) for h in header) + " |"]
    lines.append("|---|" + "---|" * width)
    for i, row in enumerate(value):
        name = labels[i] if labels[i] else str(i + 1)
        lines.append(f"| {_escape(name)} | " + " | ".join(_escape(_cell(v)) for v in row) + " |")
    return lines


def markdown(folder: Path = MODEL_DIR) -> str:
    """The constants as the ODD shows them: one table, a row naming each module's part of the
    model before its constants; values that are tables themselves follow it."""
    lines = [
        "<!-- Generated by `python -m simulation.odd_tables` from the code; do not edit by hand."
        " -->",
        "",
        "| constant | value | meaning |",
        "|---|---|---|",
    ]
    tables = []
    for group in groups(folder):
        lines.append(f"| **{_escape(group.title)}** | | |")
        for c in group.constants:
            if _is_table(c.value):
                shown = "the table below"
                tables.append(c)
            else:
                shown = _escape(_cell(c.value))
            meaning = "as above" if c.as_above else _escape(c.meaning)
            lines.append(f"| `{c.name}` | {shown} | {meaning} |")
    for c in tables:
        lines += ["", f"`{c.name}`: {_escape(c.meaning) or 'values'}", "", *_table(c)]
    return "\n".join(lines)


def interventions_markdown() -> str:
    """The interventions of the registry: who takes part and the mechanism each acts on."""
    from simulation.model.interventions import INTERVENTIONS

    who = {"anyone": "", "couples": ", couples only", "singles": ", single people only"}
    unit = {"person": "a person", "couple": "a couple (both partners take part)"}
    lines = [
        "<!-- Generated by `python -m simulation.odd_tables` from the interventions' registry;"
        " do not edit by hand. -->",
        "",
        "| intervention | when | unit | what it acts on |",
        "|---|---|---|---|",
    ]
    for i in INTERVENTIONS.values():
        when = "first year (the caregivers)" if i.stage == "infancy" else "from 18"
        lines.append(
            f"| `{i.name}` | {when} | {unit[i.unit]}{who[i.eligible]} | {_escape(i.acts_on)} |"
        )
    return "\n".join(lines)


BLOCKS = {  # markers -> what goes between them
    (BEGIN, END): markdown,
    (INTERVENTIONS_BEGIN, INTERVENTIONS_END): interventions_markdown,
}


def replace_block(text: str, block: str, markers: tuple[str, str] = (BEGIN, END)) -> str:
    """``text`` with the part between the markers replaced by ``block``."""
    begin, end = markers
    start, stop = text.index(begin) + len(begin), text.index(end)
    return text[:start] + "\n" + block + "\n" + text[stop:]


def current_block(text: str, markers: tuple[str, str] = (BEGIN, END)) -> str:
    """What is between the markers now."""
    begin, end = markers
    return text[text.index(begin) + len(begin) : text.index(end)].strip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether they are current")
    parser.add_argument("--odd", type=Path, default=ODD, help=f"the document (default {ODD})")
    args = parser.parse_args(argv)
    text = args.odd.read_text()
    new = text
    for markers, make in BLOCKS.items():
        new = replace_block(new, make(), markers)
    if new == text:
        print(f"{args.odd}: the constant tables are current")
        return 0
    if args.check:
        print(f"{args.odd}: the constant tables differ from the code", file=sys.stderr)
        return 1
    args.odd.write_text(new)
    print(f"{args.odd}: constant tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
