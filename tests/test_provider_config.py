"""The ``[notion]`` options are Airflow configuration: declared in the provider info, answered by the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_notion.get_provider_info import get_provider_info

PACKAGE = Path(__file__).resolve().parents[1] / "airflow_provider_notion"
#: ``conf.get("notion", "<option>"`` and its getboolean/getint/... relatives, wherever the package reads one.
NOTION_OPTION_READ = re.compile(r"""conf\.get\w*\(\s*["']notion["']\s*,\s*["'](\w+)["']""")


def _options() -> dict[str, dict[str, object]]:
    return get_provider_info()["config"]["notion"]["options"]  # type: ignore[no-any-return]


def test_every_notion_option_the_package_reads_is_declared_with_what_airflow_shows() -> None:
    read = {
        match
        for path in PACKAGE.rglob("*.py")
        for match in NOTION_OPTION_READ.findall(path.read_text(encoding="utf-8"))
    }
    assert "pacing_backend" in read
    options = _options()
    assert read <= set(options), f"[notion] options read but not declared: {sorted(read - set(options))}"
    for name, option in options.items():
        missing = {"description", "type", "default", "example", "version_added"} - set(option)
        assert not missing, f"[notion] {name} lacks {sorted(missing)}"
        assert option["type"] in ("string", "boolean", "integer", "float")


def _airflow(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW__NOTION__")}
    environment.update(AIRFLOW_HOME=str(tmp_path), AIRFLOW__CORE__LOAD_EXAMPLES="False", **env)
    return subprocess.run(
        [sys.executable, "-m", "airflow", *args], env=environment, capture_output=True, text=True, timeout=300
    )


@pytest.mark.e2e
def test_airflow_config_get_value_and_list_know_the_notion_options(tmp_path: Path) -> None:
    default = _airflow(tmp_path, "config", "get-value", "notion", "pacing_backend")
    assert default.returncode == 0, default.stdout + default.stderr
    assert default.stdout.strip() == "local"

    redis_url = "redis://redis.internal:6379/2"
    configured = _airflow(
        tmp_path, "config", "get-value", "notion", "pacing_backend", AIRFLOW__NOTION__PACING_BACKEND=redis_url
    )
    assert configured.returncode == 0, configured.stdout + configured.stderr
    assert configured.stdout.strip() == redis_url

    listed = _airflow(
        tmp_path, "config", "list", "--section", "notion", "--include-descriptions", "--include-examples"
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert listed.stdout.startswith("[notion]")
    assert "# Where the client-side pacing bucket" in listed.stdout
    assert "# Example: pacing_backend = redis://redis.internal:6379/2" in listed.stdout
