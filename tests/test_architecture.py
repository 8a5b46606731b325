"""The shape docs/architecture.md promises: letters/ reads signatories through one door, and no
module imports one that imports it back (import cycles break at start-up, in whatever order
Django, Celery or a management command happens to import things)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


# An endorsement's status, dates, decision and hold have one writer (CONVENTIONS.md, "One owner
# per life cycle"): signatories/services/lifecycle.py.
LIFECYCLE = ROOT / "signatories" / "services" / "lifecycle.py"
WRITING_METHODS = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _names_endorsements(node: ast.AST) -> bool:
    return "ndorsement" in ast.unparse(node)


def life_cycle_writes(source: str, owned: frozenset[str]) -> list[str]:
    """Each place in `source` that writes one of the `owned` fields of an endorsement: an
    attribute set (`endorsement.status = ...`, `setattr(e, "held_reasons", ...)`), or a keyword
    of a call that writes endorsements (`Endorsement(status=...)`, `....update(decided_by=...)`,
    `changes={"status": ...}`). `status` is a field of other models too: it counts only on
    something named after endorsements."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in owned
                    and (target.attr != "status" or _names_endorsements(target.value))
                ):
                    found.append(f"line {node.lineno}: sets {ast.unparse(target)}")
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in owned
            ):
                found.append(f"line {node.lineno}: setattr {node.args[1].value}")
            writes = (isinstance(func, ast.Name) and func.id == "Endorsement") or (
                isinstance(func, ast.Attribute)
                and func.attr in WRITING_METHODS
                and _names_endorsements(func.value)
            )
            for keyword in node.keywords:
                if writes and keyword.arg in owned:
                    found.append(f"line {node.lineno}: {ast.unparse(func)}({keyword.arg}=...)")
                dict_of_fields = keyword.arg == "changes" or (writes and keyword.arg == "defaults")
                if dict_of_fields and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:
                        if isinstance(key, ast.Constant) and key.value in owned:
                            found.append(f"line {node.lineno}: {keyword.arg} {key.value}")
    return found


def test_only_the_life_cycle_module_writes_an_endorsements_status_dates_and_decision() -> None:
    from signatories.services.lifecycle import OWNED_FIELDS

    writers = {
        str(path.relative_to(ROOT)): writes
        for path in project_modules().values()
        if path != LIFECYCLE and (writes := life_cycle_writes(path.read_text(), OWNED_FIELDS))
    }
    assert writers == {}
    assert life_cycle_writes(LIFECYCLE.read_text(), OWNED_FIELDS) != []


@pytest.mark.parametrize(
    "source",
    [
        "endorsement.status = Status.UNVERIFIED",
        "row.held_reasons = []",
        "setattr(endorsement, 'withdrawn_at', None)",
        "Endorsement(organization=o, letter=l, approved_at=now)",
        "Endorsement.objects.filter(pk=1).update(decided_by=None)",
        "organization.endorsements.update(status='pending')",
        "transition(endorsement_id=1, changes={'rejection_reason': ''})",
        "Endorsement.objects.get_or_create(pk=1, defaults={'status': 'approved'})",
    ],
)
def test_the_life_cycle_check_sees_each_way_of_writing(source: str) -> None:
    from signatories.services.lifecycle import OWNED_FIELDS

    assert len(life_cycle_writes(source, OWNED_FIELDS)) == 1


def test_the_life_cycle_check_leaves_other_models_and_reads_alone() -> None:
    from signatories.services.lifecycle import OWNED_FIELDS

    source = (
        "mail.status = OutgoingMail.Status.SENT\n"
        "Endorsement.objects.filter(status='approved', held_reasons=[]).count()\n"
        "OutgoingMail.objects.filter(pk=1).update(status='sent')\n"
        "Letter.objects.get_or_create(slug='s', defaults={'status': 'open'})\n"
    )
    assert life_cycle_writes(source, OWNED_FIELDS) == []


def test_the_pdf_module_names_its_tasks_and_never_imports_them() -> None:
    from letters import pdf, tasks

    # Not even inside a function: letters.tasks imports letters.pdf, one way only.
    tree = ast.parse((ROOT / "letters" / "pdf.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & {"tasks", "letters.tasks"}
    assert tasks.letter_pdf_generate.name == pdf.GENERATE_TASK
    assert tasks.letter_pdfs_refresh.name == pdf.REFRESH_TASK


def test_the_letters_app_names_its_own_cached_pages() -> None:
    from coalition import pagecache

    tree = ast.parse((ROOT / "coalition" / "pagecache.py").read_text())
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert not strings & {"letters", "letters_data", "signatories", "count_json"}
    assert ("letters", "signatories") in pagecache.PAGES
    assert set(pagecache.PAGES[("letters", "signatories")]) == {"country", "page", "q"}
