"""The shape of the code, measured: what #15 asked of it, checked on every test run.

Four figures, over antre/ without its tests and migrations:
- two-way dependencies between parts (an app such as antre.queueing, or a module at the top such as
  antre.api): A imports B and B imports A, anywhere in either;
- imports inside functions, except documented lazy loads (`# lazy: <why>` on the import's line or
  the line above its block of imports);
- functions over 60 lines;
- modules over 400 lines.

Each figure must be zero, except for the offenders listed in ALLOWED below: the debt still being
paid. The list may only shrink: a listed offender that no longer offends fails the check too, so
the list stays true (`--tighten` lowers it to today's figures). Exit 0 when the code keeps the rules,
1 otherwise; the figures are printed (`-v`: every offence).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "antre"
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400
LAZY_MARK = "# lazy:"

# Known debt, by kind: the offender and how many offences it may have (imports inside functions are
# counted per module). Entries shrink as the code is reshaped; none may be added or grow.
ALLOWED: dict[str, dict[str, int]] = {
    "two-way": {},
    "local-import": {},
    "long-function": {},
    "long-module": {},
}


def modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.relative_to(PACKAGE).parts
        and "migrations" not in path.relative_to(PACKAGE).parts
        and path.name != "conftest.py"
    )


def dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str | None:
    """The part a module belongs to: `antre.<app>` for a package, `antre.<module>` at the top."""
    pieces = module.split(".")
    if pieces[0] != "antre" or len(pieces) < 2:
        return None
    return ".".join(pieces[:2])


def imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([base] if base else []))
    # `from antre import clock` imports antre.clock: name each imported name as a module too.
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


class Findings:
    def __init__(self) -> None:
        self.edges: dict[tuple[str, str], str] = {}
        self.local_imports: list[str] = []
        self.long_functions: list[str] = []
        self.long_modules: list[str] = []


def measure() -> Findings:
    found = Findings()
    for path in modules():
        module = dotted(path)
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source, filename=str(path))
        here = part_of(module)
        if len(lines) > MAX_MODULE_LINES:
            found.long_modules.append(f"{module} ({len(lines)} lines)")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in imported(node, module, path.name == "__init__.py"):
                    there = part_of(target)
                    if here and there and there != here and target.startswith("antre."):
                        found.edges.setdefault((here, there), f"{module}:{node.lineno}")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.long_functions.append(f"{module}.{node.name} ({length} lines)")
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)) and not _documented(lines, inner):
                        found.local_imports.append(f"{module}:{inner.lineno}")
    return found


def _documented(lines: list[str], node: ast.stmt) -> bool:
    """`# lazy: <why>` on the import's line, or on the line above its block of imports."""
    if LAZY_MARK in lines[node.lineno - 1]:
        return True
    row = node.lineno - 2
    while row >= 0 and lines[row].strip().startswith(("from ", "import ")):
        row -= 1
    return row >= 0 and lines[row].strip().startswith(LAZY_MARK)


def two_way(edges: dict[tuple[str, str], str]) -> list[str]:
    pairs = []
    for (a, b), where in sorted(edges.items()):
        if a < b and (b, a) in edges:
            pairs.append(f"{a} <-> {b} ({where}; {edges[(b, a)]})")
    return pairs


def key(entry: str) -> str:
    """The stable name of an offence: without line numbers and sizes, which move with every edit."""
    return entry.split(" (")[0].rsplit(":", 1)[0] if ":" in entry.split(" (")[0] else entry.split(" (")[0]


def check(kind: str, entries: list[str]) -> list[str]:
    allowed = ALLOWED[kind]
    keys = defaultdict(list)
    for entry in entries:
        keys[key(entry)].append(entry)
    problems = [
        f"{kind}: {entry}"
        for name, group in keys.items()
        if len(group) > allowed.get(name, 0)
        for entry in group
    ]
    problems += [
        f"{kind}: {name} may have {count} in ALLOWED but has {len(keys.get(name, []))}; lower it"
        for name, count in allowed.items()
        if len(keys.get(name, [])) < count
    ]
    return problems


def tighten(figures: dict[str, list[str]]) -> None:
    """Rewrite ALLOWED in this file down to today's offences (never up): `--tighten` after paying debt."""
    lines = ["ALLOWED: dict[str, dict[str, int]] = {"]
    for kind, entries in figures.items():
        counts = defaultdict(int)
        for entry in entries:
            counts[key(entry)] += 1
        lines.append(f'    "{kind}": {{')
        for name, count in sorted(ALLOWED[kind].items()):
            if min(count, counts.get(name, 0)):
                lines.append(f'        "{name}": {min(count, counts[name])},')
        lines.append("    },")
    lines.append("}")
    source = Path(__file__).read_text(encoding="utf-8")
    start = source.index("ALLOWED: dict[str, dict[str, int]] = {")
    end = source.index("\n}\n", start) + 3
    Path(__file__).write_text(source[:start] + "\n".join(lines) + "\n" + source[end:], encoding="utf-8")


def main() -> int:
    found = measure()
    pairs = two_way(found.edges)
    figures = {
        "two-way": pairs,
        "local-import": found.local_imports,
        "long-function": found.long_functions,
        "long-module": found.long_modules,
    }
    if "--tighten" in sys.argv:
        tighten(figures)
        return 0
    print("structure of antre/ (tests and migrations aside):")
    print(f"  two-way dependencies between parts: {len(pairs)}")
    print(f"  imports inside functions (undocumented): {len(found.local_imports)}")
    print(f"  functions over {MAX_FUNCTION_LINES} lines: {len(found.long_functions)}")
    print(f"  modules over {MAX_MODULE_LINES} lines: {len(found.long_modules)}")
    problems = [problem for kind, entries in figures.items() for problem in check(kind, entries)]
    if "-v" in sys.argv:
        for kind, entries in figures.items():
            for entry in entries:
                print(f"  {kind}: {entry}")
    if problems:
        print("\nnot allowed:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
