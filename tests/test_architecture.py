"""The floor plan holds: imports point one way, chains are short, modules small, and no state or test hook hides
in the package (docs/architecture.md). Read from the code, imports inside functions included."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
MAX_CHAIN = 8  # modules in the longest import chain, the first and last included
MAX_LINES = 400
MAX_TOP_LEVEL = 8  # modules at the top of sitegen/, besides its sub-packages
# Each layer imports only from layers below it (and, within a sub-package, from its own modules)
LAYERS = {
    "errors": 0, "text": 0, "files": 1, "cache": 2, "config": 2, "data": 3, "history": 4, "site": 4, "publish": 5,
    "importers": 5, "scaffold": 5, "build": 6, "serve": 7, "cli": 8, "__main__": 9,
}
MUTATORS = {"append", "extend", "insert", "clear", "pop", "popitem", "update", "setdefault", "add", "discard",
            "remove", "__setitem__"}


def module_name(path: Path) -> str:
    """`sitegen.data.read` for sitegen/data/read.py; a package by its folder."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def type_only(tree: ast.Module) -> set[int]:
    """Nodes inside `if TYPE_CHECKING:` blocks: imports for annotations, never run."""
    blocks = [b for b in ast.walk(tree) if isinstance(b, ast.If) and "TYPE_CHECKING" in ast.unparse(b.test)]
    return {id(n) for block in blocks for n in ast.walk(block)}


def imported(name: str, path: Path) -> set[str]:
    """The package's modules that a module imports when it runs, anywhere in its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, known = type_only(tree), modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1], *filter(None, [base])])
            found |= {base} | {f"{base}.{a.name}" for a in node.names}
    return {m for m in found if m in known and m != name}


@functools.cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules it imports."""
    return {name: frozenset(imported(name, path)) for name, path in modules().items()}


def longest_chain(start: str) -> tuple[str, ...]:
    """The longest import chain from start (an edge back into the chain, a cycle, ends it)."""
    memo: dict[str, tuple[str, ...]] = {}

    def walk(node: str, path: frozenset[str]) -> tuple[str, ...]:
        if node not in memo:
            tails = [walk(nxt, path | {node}) for nxt in sorted(graph()[node]) if nxt not in path | {node}]
            memo[node] = (node, *max(tails, key=len, default=()))
        return memo[node]

    return walk(start, frozenset())


def layer(name: str) -> tuple[int, str]:
    """A module's layer and the sub-package (or top-level module) it belongs to."""
    part = name.split(".")[1] if "." in name else ""
    return (0, "sitegen") if name == "sitegen" else (LAYERS[part], part)  # the package itself: its version only


def test_no_import_cycle() -> None:
    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph()[node]:
                if nxt == start:
                    return [*path, start]
                if nxt not in path and len(path) < len(graph()):
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [c for name in graph() if (c := cycle_from(name))]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def test_no_import_chain_is_deeper_than_eight_modules() -> None:
    deepest = max((longest_chain(name) for name in graph()), key=len)
    assert len(deepest) <= MAX_CHAIN, f"{len(deepest)} modules deep: " + " -> ".join(deepest)


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for name, targets in graph().items():
        rank, part = layer(name)
        for target in targets:
            target_rank, target_part = layer(target)
            if target_rank >= rank and target_part != part:
                wrong.append(f"{name} -> {target}")
    assert not wrong, "imports against the layers of docs/architecture.md: " + ", ".join(sorted(wrong))


def test_modules_are_small_and_the_top_level_is_short() -> None:
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, long
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_no_test_hook_in_the_package() -> None:
    # SITEGEN_FONTS_CONF is no hook: the build sets it to tell its chart workers the font override is in place
    hooks = [f"{name}: {word}" for name, path in modules().items() for word in ("pause_point", "SITEGEN_")
             if word in path.read_text(encoding="utf-8").replace("SITEGEN_FONTS_CONF", "")]
    assert not hooks, hooks


def module_state(path: Path) -> list[str]:
    """Module-level caches: memoising decorators, and module-level containers the code fills or empties."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                text = ast.unparse(deco)
                # cached_property keeps a value on its instance (a session's, a view's), not in the module
                if any(word in text for word in ("cache", "lru_cache", "memo")) and "cached_property" not in text:
                    found.append(f"@{text} on {node.name}")
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) \
            else []
        value = getattr(node, "value", None)
        mutable = isinstance(value, ast.Dict | ast.List | ast.Set) or (
            isinstance(value, ast.Call) and ast.unparse(value.func).split(".")[-1] in
            {"dict", "list", "set", "defaultdict", "OrderedDict", "Kept", "WeakValueDictionary"})
        names |= {t.id for t in targets if isinstance(t, ast.Name) and mutable}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in names:
            found.append(f"{node.func.value.id}.{node.func.attr}()")
        elif isinstance(node, ast.Assign | ast.Delete | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                        and target.value.id in names:
                    found.append(f"{target.value.id}[…] =")
        elif isinstance(node, ast.Global):
            found.append(f"global {', '.join(node.names)}")
    return found


def test_no_module_level_mutable_state() -> None:
    state = {name: found for name, path in modules().items() if (found := module_state(path))}
    assert not state, state


@pytest.mark.parametrize("source, expected", [
    ("import functools\n@functools.cache\ndef f(): pass\n", ["@functools.cache on f"]),
    ("KNOWN = {}\ndef f(k):\n    KNOWN[k] = 1\n", ["KNOWN[…] ="]),
    ("SEEN: list[int] = []\ndef f():\n    SEEN.append(1)\n", ["SEEN.append()"]),
    ("TABLE = {'a': 1}\ndef f():\n    return TABLE['a']\n", []),  # a constant table is not state
    ("import functools\nclass C:\n    @functools.cached_property\n    def f(self): pass\n", []),  # per instance
])
def test_the_state_check_finds_caches(tmp_path: Path, source: str, expected: list[str]) -> None:
    module = tmp_path / "m.py"
    module.write_text(source, encoding="utf-8")
    assert module_state(module) == expected
