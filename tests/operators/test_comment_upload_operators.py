"""Comments and file uploads: request bodies, mentions by e-mail, multi-part streaming, attachment (requests-mock)."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest
import requests_mock as rm

from airflow_provider_notion.exceptions import NotionInputError, NotionWriteOutcomeUnknownError
from airflow_provider_notion.jobs.file_upload import MIB, read_parts
from airflow_provider_notion.operators.comments import NotionCreateCommentOperator, NotionListCommentsOperator
from airflow_provider_notion.operators.file_uploads import NotionUploadFileOperator
from tests.operators.helpers import API, list_pages, recorded

PAGE = "393abc1e-edcd-818a-81e9-e14c2f78901e"
ADA = "1a2b3c4d-0001-4a00-8000-00000000a001"
UPLOAD = "21f99f72-bada-81da-842e-00b261025739"


def _users() -> dict[str, Any]:
    people = [
        {
            "object": "user",
            "id": ADA,
            "type": "person",
            "name": "Ada",
            "person": {"email": "Ada@Example.com"},
        },
        {"object": "user", "id": "b" * 32, "type": "bot", "name": "Bot", "bot": {}},
    ]
    return list_pages(people, 100, "user")[0]


def test_comment_with_a_mention_by_email(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.get(f"{API}/users", json=_users())
    requests_mock.post(f"{API}/comments", json={"object": "comment", "id": "c1", "discussion_id": "d1"})
    result = NotionCreateCommentOperator(
        task_id="c", page_id=PAGE, text="Report ready, <@ada@example.com> please check"
    ).execute(context)
    assert result["id"] == "c1"
    assert requests_mock.last_request.json() == {
        "parent": {"page_id": PAGE},
        "rich_text": [
            {"type": "text", "text": {"content": "Report ready, "}},
            {"type": "mention", "mention": {"type": "user", "user": {"id": ADA}}},
            {"type": "text", "text": {"content": " please check"}},
        ],
    }


def test_reply_with_a_mention_by_id_needs_no_user_lookup(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.post(f"{API}/comments", json={"object": "comment", "id": "c2"})
    NotionCreateCommentOperator(task_id="c", discussion_id="d1", text=f"<@{ADA.replace('-', '')}>").execute(
        context
    )
    assert requests_mock.call_count == 1
    assert requests_mock.last_request.json() == {
        "discussion_id": "d1",
        "rich_text": [{"type": "mention", "mention": {"type": "user", "user": {"id": ADA}}}],
    }


def test_unknown_email_fails_before_the_comment_is_sent(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.get(f"{API}/users", json=_users())
    post = requests_mock.post(f"{API}/comments", json={})
    with pytest.raises(NotionInputError, match="nobody@example.com"):
        NotionCreateCommentOperator(task_id="c", page_id=PAGE, text="hi <@nobody@example.com>").execute(
            context
        )
    assert not post.called


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"page_id": PAGE}, "text"),
        ({"page_id": PAGE, "text": "a", "rich_text": [{"text": {"content": "b"}}]}, "text"),
        ({"text": "a"}, "page_id"),
        ({"page_id": PAGE, "discussion_id": "d", "text": "a"}, "page_id"),
    ],
)
def test_comment_input_errors(
    kwargs: dict[str, Any], field: str, default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    with pytest.raises(NotionInputError) as err:
        NotionCreateCommentOperator(task_id="c", **kwargs).execute(context)
    assert err.value.field == field
    assert requests_mock.call_count == 0


def test_a_comment_is_never_retried_after_an_ambiguous_failure(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    requests_mock.post(
        f"{API}/comments",
        status_code=503,
        json={"object": "error", "status": 503, "code": "service_unavailable", "message": "x"},
    )
    with pytest.raises(NotionWriteOutcomeUnknownError):
        NotionCreateCommentOperator(
            task_id="c", page_id=PAGE, rich_text='[{"text": {"content": "x"}}]'
        ).execute(context)
    assert requests_mock.call_count == 1


def test_list_comments_follows_cursors(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any]
) -> None:
    comments = [{"object": "comment", "id": f"c{i}"} for i in range(5)]
    pages = list_pages(comments, 2, "comment")
    requests_mock.get(f"{API}/comments", [{"json": p} for p in pages])
    result = NotionListCommentsOperator(task_id="l", block_id=PAGE, fetch_all=True, page_size=2).execute(
        context
    )
    assert [c["id"] for c in result["results"]] == [f"c{i}" for i in range(5)]
    queries = [r.qs for r in requests_mock.request_history]
    assert queries[0] == {"block_id": [PAGE], "page_size": ["2"]}
    assert queries[1]["start_cursor"] == ["c1"]


# ---------------------------------------------------------------------------------------------- uploads


def _form(request: Any) -> dict[str, Any]:
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}


def test_small_file_is_one_send_and_attached_as_a_block(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any], tmp_path: Path
) -> None:
    created = recorded("2025-09-03", "test_file_uploads_send", "POST", "/file_uploads")
    sent = recorded("2025-09-03", "test_file_uploads_send", "POST", "/send")
    upload_id = created["id"]
    requests_mock.post(f"{API}/file_uploads", json=created)
    requests_mock.post(f"{API}/file_uploads/{upload_id}/send", json=sent)
    block = {"object": "block", "id": "f" * 32, "type": "file"}
    requests_mock.patch(f"{API}/blocks/{PAGE}/children", json={"object": "list", "results": [block]})
    source = tmp_path / "results.csv"
    source.write_bytes(b"name,score\na,1\n")
    result = NotionUploadFileOperator(
        task_id="u", path=str(source), attach_to=PAGE, caption="Results"
    ).execute(context)
    assert result == {"upload": sent, "attachment": block}
    create, send, attach = requests_mock.request_history
    assert create.json() == {"mode": "single_part", "filename": "results.csv", "content_type": "text/csv"}
    form = _form(send)
    assert form["file"].get_content() in (b"name,score\na,1\n", "name,score\na,1\n")
    assert "part_number" not in form
    assert attach.json() == {
        "children": [
            {
                "object": "block",
                "type": "file",
                "file": {
                    "type": "file_upload",
                    "file_upload": {"id": upload_id},
                    "caption": [{"type": "text", "text": {"content": "Results"}}],
                },
            }
        ]
    }


def test_large_file_goes_in_parts_and_is_completed(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any], tmp_path: Path
) -> None:
    source = tmp_path / "big.bin"
    with source.open("wb") as handle:
        for n in range(11):
            handle.write(bytes([n]) * MIB)
    requests_mock.post(f"{API}/file_uploads", json={"id": UPLOAD, "status": "pending"})
    requests_mock.post(f"{API}/file_uploads/{UPLOAD}/send", json={"id": UPLOAD, "status": "pending"})
    requests_mock.post(
        f"{API}/file_uploads/{UPLOAD}/complete",
        json={"id": UPLOAD, "status": "uploaded", "filename": "big.bin"},
    )
    requests_mock.patch(f"{API}/pages/{PAGE}", json={"object": "page", "id": PAGE})
    result = NotionUploadFileOperator(
        task_id="u",
        path=source,
        part_size=5 * MIB,
        attach_to=PAGE,
        attach_as="property",
        property_name="Files",
    ).execute(context)
    history = requests_mock.request_history
    assert history[0].json() == {
        "mode": "multi_part",
        "filename": "big.bin",
        "content_type": "application/octet-stream",
        "number_of_parts": 3,
    }
    sends = [_form(r) for r in history[1:4]]
    assert [s["part_number"].get_content().strip() for s in sends] == ["1", "2", "3"]
    sizes = [len(s["file"].get_payload(decode=True)) for s in sends]
    assert sizes == [5 * MIB, 5 * MIB, MIB]
    assert history[4].path.endswith("/complete")
    assert history[5].json() == {
        "properties": {
            "Files": {"files": [{"type": "file_upload", "file_upload": {"id": UPLOAD}, "name": "big.bin"}]}
        }
    }
    assert result["upload"]["status"] == "uploaded"


def test_parts_are_read_one_at_a_time(tmp_path: Path) -> None:
    source = tmp_path / "f"
    source.write_bytes(b"abcdefgh")
    parts = read_parts(source, 3)
    assert next(parts) == b"abc"  # a generator: nothing beyond the first part has been read yet
    assert list(parts) == [b"def", b"gh"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"path": "/no/such/file"}, "path"),
        ({"attach_as": "video_clip"}, "attach_as"),
        ({"attach_to": PAGE, "attach_as": "property"}, "property_name"),
        ({"part_size": 1024}, "part_size"),
    ],
)
def test_upload_input_errors_come_first(
    kwargs: dict[str, Any],
    field: str,
    default_conn: Any,
    requests_mock: rm.Mocker,
    context: dict[str, Any],
    tmp_path: Path,
) -> None:
    source = tmp_path / "a.txt"
    source.write_text("x")
    with pytest.raises(NotionInputError) as err:
        NotionUploadFileOperator(task_id="u", **{"path": str(source), **kwargs}).execute(context)
    assert err.value.field == field
    assert requests_mock.call_count == 0


def test_a_send_is_never_retried_after_an_ambiguous_failure(
    default_conn: Any, requests_mock: rm.Mocker, context: dict[str, Any], tmp_path: Path
) -> None:
    requests_mock.post(f"{API}/file_uploads", json={"id": UPLOAD, "status": "pending"})
    send = requests_mock.post(f"{API}/file_uploads/{UPLOAD}/send", status_code=504, json={})
    source = tmp_path / "a.txt"
    source.write_text("x")
    with pytest.raises(NotionWriteOutcomeUnknownError):
        NotionUploadFileOperator(task_id="u", path=str(source)).execute(context)
    assert send.call_count == 1
