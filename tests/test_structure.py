"""The codebase's shape, checked like behaviour: no import hides inside a function, no
module imports another that (directly or through others) imports it back, and nothing but the
one clock reads the time. The layers themselves are import-linter's contracts in pyproject.toml
(``make lint``, run by CI)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("portal", "professions", "permits", "stays", "verification", "arrivals", "api")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _is_ready(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and node.name == "ready"


def test_no_import_sits_inside_a_function():
    """Except in ``AppConfig.ready()``, where Django asks for signal modules to be imported."""
    hidden = []
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_ready(node):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert hidden == []


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            candidates = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        targets |= {c for c in candidates if c in modules and c != name}
    return targets


def test_no_module_imports_itself_through_others():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


CLOCK = ROOT / "portal" / "core" / "clock.py"
# Today's date or this moment read directly, not through ``portal.core.clock``.
READS_THE_TIME = re.compile(
    r"\btimezone\.now\(|\btimezone\.(localdate|localtime)\(\)|\bdate\.today\("
    r"|\bdatetime\.(now|today|utcnow)\(|\btime\.time\(\)"
    r"|from django\.utils\.timezone import [^\n]*\b(now|localdate)\b"
)
# The stays benchmark times itself; it is leaving for bench/ (outside these packages).
LEAVING = {"stays/management/commands/bench_stays.py"}


def _readers_of_the_time(paths) -> list[str]:
    found = []
    for path in paths:
        if path in (CLOCK, Path(__file__)) or str(path.relative_to(ROOT)) in LEAVING:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if READS_THE_TIME.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_only_the_clock_reads_the_time():
    """Every app and every test asks ``portal.core.clock`` (``today()``/``now()``, or
    ``real_now()`` for the machine's time), so freezing the clock moves time for all of them."""
    tests = [p for p in (ROOT / "tests").rglob("*.py") if "vendor" not in p.parts]
    assert _readers_of_the_time([*_modules().values(), *tests]) == []


def test_the_clock_check_sees_each_way_of_reading_the_time():
    for line in [
        "x = timezone.now()",
        "day = timezone.localdate()",
        "moment = timezone.localtime()",
        "day = date.today()",
        "moment = datetime.now(UTC)",
        "moment = datetime.datetime.utcnow()",
        "day = datetime.date.today()",
        "from django.utils.timezone import localdate, now",
        "started = time.time()",
    ]:
        assert READS_THE_TIME.search(line), line
    for line in ["local = timezone.localtime(value)", "on = clock.today()", "t = time.monotonic()"]:
        assert not READS_THE_TIME.search(line), line
