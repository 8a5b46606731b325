"""The shape docs/architecture.md promises: letters/ reads signatories through one door, and no
module imports one that imports it back (import cycles break at start-up, in whatever order
Django, Celery or a management command happens to import things)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("coalition", "letters", "signatories")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_level_imports(path: Path) -> set[str]:
    """What a module imports when it is loaded: not inside functions, not for type checking."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def test_letters_reads_signatories_only_through_the_public_module() -> None:
    reached = {
        imported
        for path in (ROOT / "letters").rglob("*.py")
        for imported in module_level_imports(path)
        if imported.startswith("signatories")
    }
    assert reached <= {"signatories", "signatories.public"} | {
        name for name in reached if name.startswith("signatories.public.")
    }
    assert "signatories.public" in reached


def test_no_module_imports_one_that_imports_it_back() -> None:
    modules = project_modules()
    graph = {
        name: {imported for imported in module_level_imports(path) if imported in modules}
        for name, path in modules.items()
    }
    # A package's own __init__ is loaded before its modules: an edge to it is not a cycle
    # the way an edge between two modules is.
    for name, edges in graph.items():
        edges.discard(name)
        edges -= {parent for parent in edges if name.startswith(f"{parent}.")}
    cycles = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                cycles.append([*trail[trail.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
