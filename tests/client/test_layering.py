"""The request core is the only place that speaks HTTP, and the trigger does not load the hook module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import airflow_provider_notion

PACKAGE = Path(airflow_provider_notion.__file__).parent
HTTP_LIBRARIES = {"requests", "httpx", "urllib3"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_client_package_imports_http_libraries() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(imported_modules(path) & HTTP_LIBRARIES)
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ("client", "emulator")
        and imported_modules(path) & HTTP_LIBRARIES
    }
    assert offenders == {}
    # The scan itself works: the senders do import them.
    assert "requests" in imported_modules(PACKAGE / "client" / "sync.py")
    assert "httpx" in imported_modules(PACKAGE / "client" / "aio.py")


def test_timeouts_are_defined_once() -> None:
    definitions = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "emulator"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in ("DEFAULT_TIMEOUT", "CONNECT_TIMEOUT")
    ]
    assert definitions == ["client/base.py", "client/base.py"]


def test_importing_the_trigger_does_not_import_the_hook_module() -> None:
    code = (
        "import sys; import airflow_provider_notion.triggers.notion; "
        "print('airflow_provider_notion.hooks.notion' in sys.modules, 'requests' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "False"
