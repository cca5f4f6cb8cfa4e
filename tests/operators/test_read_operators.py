"""Get operators: the request each sends per Notion-Version, the XComs it returns and pushes, the extra link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import MagicMock

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionApiError, NotionInputError
from airflow_provider_notion.links.notion import NotionLink
from airflow_provider_notion.operators.notion import (
    NotionCreateDatabaseItemOperator,
    NotionCreateDatabaseOperator,
    NotionCreatePageOperator,
    NotionGetCurrentUserOperator,
    NotionGetDatabaseOperator,
    NotionGetPageOperator,
    NotionGetUserOperator,
    NotionListUsersOperator,
)
from tests.helpers import CANARY_SECRET
from tests.operators.helpers import API, VERSIONS, assert_request, pushed, recorded

BOT_ID = "7775f3a3-893f-43fa-b625-460c61094c78"


@pytest.mark.parametrize("version", VERSIONS)
def test_get_current_user(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    me = recorded(version, "test_users_me", "GET", "/users/me")
    requests_mock.get(f"{API}/users/me", json=me)

    result = NotionGetCurrentUserOperator(task_id="me").execute(context)

    assert result == me
    assert result["bot"]["workspace_name"] == "notion-sdk-py"
    assert requests_mock.call_count == 1
    assert_request(requests_mock.last_request, "GET", "/v1/users/me", version, has_body=False)
    assert pushed(context) == {"id": BOT_ID}


def test_operator_version_overrides_connection(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2022-06-28")
    requests_mock.get(f"{API}/users/me", json=recorded("2025-09-03", "test_users_me", "GET"))
    NotionGetCurrentUserOperator(task_id="me", notion_version="2025-09-03").execute(context)
    assert requests_mock.last_request.headers["Notion-Version"] == "2025-09-03"


def test_secret_never_logged(
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_version("2025-09-03")
    requests_mock.get(f"{API}/users/me", json=recorded("2025-09-03", "test_users_me", "GET"))
    caplog.set_level("DEBUG")
    NotionGetCurrentUserOperator(task_id="me").execute(context)
    logged = caplog.text + "".join(capsys.readouterr())  # Airflow's structlog writes to stdout
    assert "Notion bot notion-sdk-py" in logged  # the summary line was logged...
    assert CANARY_SECRET not in logged  # ...and the token was not


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("given", [BOT_ID, BOT_ID.replace("-", ""), BOT_ID.upper()])
def test_get_user(
    version: str,
    given: str,
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
) -> None:
    use_version(version)
    user = recorded(version, "test_users_retrieve", "GET", f"/users/{BOT_ID}")
    requests_mock.get(f"{API}/users/{BOT_ID}", json=user)

    assert NotionGetUserOperator(task_id="u", user_id=given).execute(context) == user
    assert_request(requests_mock.last_request, "GET", f"/v1/users/{BOT_ID}", version)


@pytest.mark.parametrize("bad", ["", "not-an-id", "https://example.com/abc", 42])
def test_get_user_bad_id_sends_nothing(
    bad: Any, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    with pytest.raises(NotionInputError, match="user_id"):
        NotionGetUserOperator(task_id="u", user_id=bad).execute(context)
    assert requests_mock.call_count == 0


PAGE_IDS = {
    "2022-06-28": "16cabc1e-edcd-8130-8c6b-f9c944d8fc97",
    "2025-09-03": "393abc1e-edcd-81f5-ae94-ec2d55fe98ed",
}


@pytest.mark.parametrize("version", VERSIONS)
def test_get_page_from_url_with_filter_properties(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    page_id = PAGE_IDS.get(version, PAGE_IDS["2025-09-03"])
    page = recorded(version, "test_pages_retrieve", "GET", f"/pages/{page_id}")
    requests_mock.get(f"{API}/pages/{page_id}", json=page)
    url = f"https://www.notion.so/acme/Weekly-report-{page_id.replace('-', '')}?v=1"

    result = NotionGetPageOperator(task_id="p", page_id=url, filter_properties="title, abc").execute(context)

    assert result == page
    req = requests_mock.last_request
    assert_request(req, "GET", f"/v1/pages/{page_id}", version)
    assert req.qs == {"filter_properties": ["title", "abc"]}
    assert pushed(context) == {"id": page_id, "notion_url": page["url"]}


def test_get_page_not_found_fails_with_hint(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2025-09-03")
    missing = "00000000-0000-0000-0000-000000000000"
    error = recorded("2025-09-03", "test_build_request_error_integration", "GET", missing)
    requests_mock.get(f"{API}/pages/{missing}", json=error, status_code=404)
    with pytest.raises(NotionApiError, match="object_not_found.*shared with the integration"):
        NotionGetPageOperator(task_id="p", page_id=missing).execute(context)
    assert requests_mock.call_count == 1  # a 404 is not retried
    assert pushed(context) == {}


DB_IDS = {
    "2022-06-28": "16cabc1e-edcd-8157-b05e-e76668756101",
    "2025-09-03": "e234cdc8-4ad2-4371-a97e-999a238bf8f5",
}


@pytest.mark.parametrize("version", VERSIONS)
def test_get_database(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    db_id = DB_IDS.get(version, DB_IDS["2025-09-03"])
    database = recorded(version, "test_databases_retrieve", "GET", f"/databases/{db_id}")
    requests_mock.get(f"{API}/databases/{db_id}", json=database)

    result = NotionGetDatabaseOperator(task_id="d", database_id=db_id.replace("-", "")).execute(context)

    assert result == database
    assert requests_mock.call_count == 1
    assert_request(requests_mock.last_request, "GET", f"/v1/databases/{db_id}", version)
    if version == "2022-06-28":
        assert "properties" in result  # the schema lives on the database
        assert pushed(context) == {"id": db_id, "notion_url": database["url"]}
    else:
        assert "properties" not in result and len(result["data_sources"]) == 1
        assert pushed(context)["data_source_id"] == result["data_sources"][0]["id"]


@pytest.mark.parametrize("version", ["2025-09-03", "2026-03-11"])
def test_get_database_include_data_sources(
    version: str, use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version(version)
    db_id = DB_IDS["2025-09-03"]
    database = recorded(version, "test_databases_retrieve", "GET", f"/databases/{db_id}")
    source = recorded(version, "test_data_sources_retrieve", "GET", "/data_sources/")
    source_id = database["data_sources"][0]["id"]
    requests_mock.get(f"{API}/databases/{db_id}", json=database)
    requests_mock.get(f"{API}/data_sources/{source_id}", json=source)

    result = NotionGetDatabaseOperator(task_id="d", database_id=db_id, include_data_sources="True").execute(
        context
    )

    assert [r.path for r in requests_mock.request_history] == [
        f"/v1/databases/{db_id}",
        f"/v1/data_sources/{source_id}",
    ]
    assert result["data_sources"] == [source]
    assert "properties" in result["data_sources"][0]


def test_get_database_include_data_sources_is_one_request_before_data_sources(
    use_version: Callable[[str], str], requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    use_version("2022-06-28")
    db_id = DB_IDS["2022-06-28"]
    database = recorded("2022-06-28", "test_databases_retrieve", "GET", f"/databases/{db_id}")
    requests_mock.get(f"{API}/databases/{db_id}", json=database)
    result = NotionGetDatabaseOperator(task_id="d", database_id=db_id, include_data_sources=True).execute(
        context
    )
    assert result == database and requests_mock.call_count == 1


# ---------------------------------------------------------------------------------------------- extra link


@pytest.mark.parametrize(
    "operator",
    [
        NotionCreateDatabaseOperator,
        NotionCreateDatabaseItemOperator,
        NotionCreatePageOperator,
        NotionGetDatabaseOperator,
        NotionGetPageOperator,
    ],
)
def test_page_and_database_operators_have_the_notion_link(operator: type) -> None:
    assert [link.name for link in operator.operator_extra_links] == ["Notion"]


@pytest.mark.parametrize(
    "operator", [NotionGetCurrentUserOperator, NotionGetUserOperator, NotionListUsersOperator]
)
def test_other_operators_have_no_link(operator: type) -> None:
    assert not operator.operator_extra_links


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            "https://app.notion.com/p/3d0982b9f95841d08437cf2e00981c7f",
            "https://app.notion.com/p/3d0982b9f95841d08437cf2e00981c7f",
        ),
        ("javascript:alert(1)", ""),
        (None, ""),
    ],
)
def test_notion_link_reads_the_pushed_url(
    stored: Any, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow_provider_notion.links import notion as links

    get_value = MagicMock(return_value=stored)
    monkeypatch.setattr(links.XCom, "get_value", get_value)
    ti_key = MagicMock()
    op = NotionGetPageOperator(task_id="p", page_id="x")

    assert NotionLink().get_link(op, ti_key=ti_key) == expected
    get_value.assert_called_once_with(key="notion_url", ti_key=ti_key)


def test_link_key_matches_what_execute_pushes(
    use_version: Callable[[str], str],
    requests_mock: rm.Mocker,
    context: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """End to end in miniature: what execute pushes is what the link returns."""
    from airflow_provider_notion.links import notion as links

    use_version("2025-09-03")
    db_id = DB_IDS["2025-09-03"]
    database = recorded("2025-09-03", "test_databases_retrieve", "GET", f"/databases/{db_id}")
    requests_mock.get(f"{API}/databases/{db_id}", json=database)
    op = NotionGetDatabaseOperator(task_id="d", database_id=db_id)
    op.execute(context)
    store = pushed(context)
    monkeypatch.setattr(links.XCom, "get_value", lambda *, key, ti_key: store.get(key))
    assert NotionLink().get_link(op, ti_key=MagicMock()) == database["url"]
