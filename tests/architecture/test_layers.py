"""Imports go one way, down the layers: every import of every module (lazy ones inside functions and
``TYPE_CHECKING`` ones included) is read, and the test fails on an import of a higher layer or on a cycle.

The layers, lowest first, are the ones docs/architecture.md draws; a module's layer is the first package of its
path (``airflow_provider_notion.rules.values.to_notion`` is in ``rules``). Modules of one layer may import each
other as long as no cycle forms.
"""

from __future__ import annotations

import ast
from pathlib import Path

import notion_emulator

import airflow_provider_notion

PACKAGE = Path(airflow_provider_notion.__file__).parent
EMULATOR = Path(notion_emulator.__file__).parent
NAME = "airflow_provider_notion"

# Lowest first. Same rank: neither imports the other's package in a cycle.
LAYERS: dict[str, int] = {
    "": 0,  # the package's __init__ (its version)
    "exceptions": 0,
    "utils": 1,
    "rules": 2,
    "markdown": 2,
    "connection": 3,
    "client": 4,
    "oauth": 5,
    "assets": 5,
    "links": 5,
    "get_provider_info": 5,
    "hooks": 6,
    "triggers": 6,
    "lineage": 6,
    "jobs": 7,
    "operators": 8,
    "sensors": 8,
    "transfers": 9,
    "notifications": 9,
    "plugins": 9,
}

# Deprecated forwarders kept one release for compatibility, lazily imported inside the forwarding method and
# warned about when called (CHANGELOG 0.3.0); nothing else may import upward.
COMPATIBILITY_FORWARDERS: set[tuple[str, str]] = {
    (f"{NAME}.hooks.notion", f"{NAME}.jobs.upsert"),  # NotionHook.upsert_database_item
    (f"{NAME}.hooks.notion", f"{NAME}.jobs.sync.engine"),  # NotionHook.sync_rows
}


def module_name(path: Path, root: Path = PACKAGE, name: str = NAME) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((name, *parts))


def internal_imports(path: Path, root: Path = PACKAGE, name: str = NAME) -> set[str]:
    """Every module of the package ``path`` imports, anywhere in the file (relative imports resolved)."""
    here = module_name(path, root, name).split(".")
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != name:
                continue
            # ``from package import module`` imports that module; any other name is taken from ``module``.
            submodules = {
                f"{module}.{alias.name}" for alias in node.names if _exists(f"{module}.{alias.name}", root)
            }
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(module)
    return found


def _exists(module: str, root: Path) -> bool:
    relative = Path(*module.split(".")[1:])
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def layer_of(module: str) -> str:
    parts = module.split(".")[1:]
    return parts[0] if parts else ""


def import_graph(root: Path = PACKAGE, name: str = NAME) -> dict[str, set[str]]:
    return {module_name(path, root, name): internal_imports(path, root, name) for path in root.rglob("*.py")}


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for importer, imports in graph.items()
        for imported in imports
        if LAYERS[layer_of(imported)] > LAYERS[layer_of(importer)]
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        # Iterative DFS: (node, iterator over its successors).
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in graph:
                    continue
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = sorted({layer_of(module) for module in import_graph()} - set(LAYERS))
    assert unknown == [], (
        f"add these top-level modules or packages to LAYERS and docs/architecture.md: {unknown}"
    )


def test_no_module_imports_a_higher_layer() -> None:
    upward = upward_imports(import_graph()) - COMPATIBILITY_FORWARDERS
    assert sorted(upward) == []


def test_no_import_cycles() -> None:
    """The forwarders close a loop by design (a job types its hook argument), so their edges are left out."""
    graph = {
        importer: {imported for imported in imports if (importer, imported) not in COMPATIBILITY_FORWARDERS}
        for importer, imports in import_graph().items()
    }
    assert cycles(graph) == []


def test_no_import_cycles_in_the_emulator() -> None:
    """The emulator distribution has no layers to speak of, but no circles either (server and handlers,
    state and computed values meet through the Protocols of ``notion_emulator.views``)."""
    assert cycles(import_graph(EMULATOR, "notion_emulator")) == []


def test_the_checks_see_lazy_and_type_checking_imports_and_cycles() -> None:
    """The scanner is not blind: a made-up graph with a lazy upward import and a cycle is caught."""
    graph = {
        f"{NAME}.rules.a": {f"{NAME}.jobs.b"},
        f"{NAME}.jobs.b": {f"{NAME}.rules.a"},
        f"{NAME}.utils.c": set(),
    }
    assert upward_imports(graph) == {(f"{NAME}.rules.a", f"{NAME}.jobs.b")}
    assert cycles(graph) == [[f"{NAME}.jobs.b", f"{NAME}.rules.a"]]
    source = (
        "def f():\n    from airflow_provider_notion.jobs import upsert\n"
        "if TYPE_CHECKING:\n    import airflow_provider_notion.operators.notion\n"
    )
    tree_imports = {
        node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    assert tree_imports == {f"{NAME}.jobs", f"{NAME}.operators.notion"}


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(NAME):
                private = [
                    a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
                ]
                if private or any(
                    part.startswith("_") and part != "__main__" for part in node.module.split(".")
                ):
                    offenders.append(f"{module_name(path)}: from {node.module} import {', '.join(private)}")
    assert offenders == []
