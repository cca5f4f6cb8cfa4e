"""Command line for getting OAuth tokens into Airflow.

::

    python -m airflow_provider_notion.oauth authorize-url --client-id ID --redirect-uri URI [--state S]
    python -m airflow_provider_notion.oauth exchange --client-id ID --redirect-uri URI --state S
        [--redirect-url URL | --code C] [--client-secret S] [--conn-id notion_default] [--base-url URL]
        [--notion-version V] [--oauth-store X]

``authorize-url`` adds a random ``state`` unless one is given, and prints it (stderr; it is also in the URL).
``exchange --state`` checks it against the ``state`` of the redirect URL (the whole URL the browser was sent to,
given as ``--redirect-url``, as ``--code`` or at the prompt): a mismatch is an error and nothing is exchanged.

Secrets (client secret, authorization code or the redirect URL holding it) are best left off the command line,
where shell history and process listings keep them: they are read from ``NOTION_CLIENT_SECRET`` /
``NOTION_OAUTH_CODE``, else prompted for without echo. They are printed only inside the connection that
``exchange`` outputs.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from airflow_provider_notion.exceptions import NotionError, NotionInputError
from airflow_provider_notion.oauth.bootstrap import (
    connection_from_tokens,
    connection_uri,
    connections_add_command,
    exchange_code,
)
from airflow_provider_notion.oauth.client import build_authorize_url
from airflow_provider_notion.oauth.redirect import (
    Redirect,
    check_state,
    looks_like_url,
    new_state,
    parse_redirect_url,
)

ENV_CLIENT_ID = "NOTION_CLIENT_ID"
ENV_CLIENT_SECRET = "NOTION_CLIENT_SECRET"  # noqa: S105 - the variable's name, not a secret
ENV_CODE = "NOTION_OAUTH_CODE"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_notion.oauth",
        description="Connect a public Notion integration to Airflow with OAuth 2.0 (see docs/oauth.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    authorize = commands.add_parser("authorize-url", help="print the URL the workspace owner opens")
    authorize.add_argument("--client-id", help=f"OAuth client id (default: ${ENV_CLIENT_ID})")
    authorize.add_argument("--redirect-uri", help="a redirect URI registered for the integration")
    authorize.add_argument(
        "--state", help="value Notion returns to the redirect URI (default: a new random one, printed)"
    )
    authorize.add_argument("--base-url", help="API base URL (default https://api.notion.com)")

    exchange = commands.add_parser("exchange", help="trade the code for tokens and print the connection")
    exchange.add_argument("--client-id", help=f"OAuth client id (default: ${ENV_CLIENT_ID})")
    exchange.add_argument(
        "--client-secret", help=f"OAuth client secret (default: ${ENV_CLIENT_SECRET}, else a prompt)"
    )
    exchange.add_argument(
        "--code",
        help=f"the code from the redirect, or the whole redirect URL (default: ${ENV_CODE}, else a prompt)",
    )
    exchange.add_argument(
        "--redirect-url", help="the whole URL the browser was sent to: its code and state are used"
    )
    exchange.add_argument(
        "--state", help="the state authorize-url printed; the redirect URL's state must match it"
    )
    exchange.add_argument("--redirect-uri", help="the redirect URI the authorize URL used (omit if it did)")
    exchange.add_argument(
        "--conn-id", default="notion_default", help="Airflow connection id (notion_default)"
    )
    exchange.add_argument("--base-url", help="API base URL (default https://api.notion.com)")
    exchange.add_argument("--notion-version", help="Notion-Version to store in the connection")
    exchange.add_argument("--oauth-store", help="connection extra oauth_store (default: an Airflow Variable)")
    return parser


def _options(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """Every option string of the parser and its subcommands: (all of them, those that take a value)."""
    every: set[str] = set()
    valued: set[str] = set()
    parsers = [parser]
    while parsers:
        current = parsers.pop()
        for action in current._actions:  # argparse keeps no public list of a parser's options
            every.update(action.option_strings)
            if action.option_strings and action.nargs is None:  # nargs None: exactly one value
                valued.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    return every, valued


def attach_dash_values(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """``--code -abc`` as ``--code=-abc``: argparse takes a value beginning with ``-`` for an option and fails.

    Authorization codes, states and secrets are random and may begin with ``-`` (about 1 in 64 of the URL-safe
    alphabet). A value that is itself one of the parser's options (``--code --conn-id x``, a forgotten value) is
    left alone, so argparse still reports it as missing.
    """
    every, valued = _options(parser)
    fixed: list[str] = []
    index = 0
    while index < len(argv):
        item = argv[index]
        following = argv[index + 1] if index + 1 < len(argv) else None
        if (
            item in valued
            and following is not None
            and following.startswith("-")
            and following.split("=", 1)[0] not in every
        ):
            fixed.append(f"{item}={following}")
            index += 2
            continue
        fixed.append(item)
        index += 1
    return fixed


def _value(given: str | None, env_name: str, prompt: str | None, ask: Callable[[str], str]) -> str:
    """An argument, else an environment variable, else (for secrets) a prompt without echo."""
    if given:
        return given
    from_env = os.environ.get(env_name, "").strip()
    if from_env:
        return from_env
    if prompt is None:
        raise NotionError(f"Missing value: pass it as an option or set ${env_name}")
    answer = ask(prompt).strip()
    if not answer:
        raise NotionError(f"Missing value: nothing was entered for {prompt.rstrip(': ')}")
    return answer


def _redirect(args: argparse.Namespace, ask: Callable[[str], str]) -> Redirect | None:
    """What the redirect brought, or ``None`` when only a bare code was given (kept in ``args.code``)."""
    if args.redirect_url:
        if args.code:
            raise NotionInputError("code", "give either --code or --redirect-url, not both")
        return parse_redirect_url(args.redirect_url, "redirect_url")
    given = _value(args.code, ENV_CODE, "Authorization code or the whole redirect URL: ", ask)
    if looks_like_url(given):
        return parse_redirect_url(given, "code")
    args.code = given
    return None


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    ask_secret: Callable[[str], str] = getpass.getpass,
) -> int:
    """Run the command; returns the exit code (0 success, 1 Notion or input error, 2 usage error)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    args = parser.parse_args(attach_dash_values(sys.argv[1:] if argv is None else argv, parser))
    try:
        client_id = _value(args.client_id, ENV_CLIENT_ID, None, ask_secret)
        if args.command == "authorize-url":
            state = args.state or new_state()
            print(
                build_authorize_url(client_id, args.redirect_uri, state=state, base_url=args.base_url),
                file=out,
            )
            print(f"state: {state}", file=err)
            print(
                "Open the URL as the workspace owner, then run `exchange ... --state <state>` and give it the whole "
                "URL the browser was sent to (--redirect-url, or paste it when asked).",
                file=err,
            )
            return 0
        redirect = _redirect(args, ask_secret)
        code = redirect.code if redirect else str(args.code)
        if args.state:
            if redirect is None:
                raise NotionInputError(
                    "state",
                    "is checked against the state of the redirect URL: give the whole redirect URL "
                    "(--redirect-url, or paste it when asked) instead of the bare code",
                )
            check_state(args.state, redirect.state)
        elif redirect is not None and redirect.state is not None:
            print(
                "warning: the state in the redirect URL was not checked; pass --state with the value "
                "authorize-url printed.",
                file=err,
            )
        client_secret = _value(args.client_secret, ENV_CLIENT_SECRET, "OAuth client secret: ", ask_secret)
        tokens = exchange_code(client_id, client_secret, code, args.redirect_uri, base_url=args.base_url)
        conn = connection_from_tokens(
            tokens,
            client_id,
            client_secret,
            base_url=args.base_url,
            notion_version=args.notion_version,
            oauth_store=args.oauth_store,
        )
    except NotionError as error:
        print(f"error: {error}", file=err)
        return 1
    workspace = tokens.workspace_name or tokens.workspace_id or "the workspace"
    print(f"Authorised {workspace} (bot {tokens.bot_id or 'unknown'}).", file=err)
    print(
        "The output below contains the client secret and tokens: keep it out of tickets and logs.", file=err
    )
    print("# Connection as JSON (AIRFLOW_CONN_<ID> or a secrets backend):", file=out)
    print(json.dumps(conn, indent=2), file=out)
    print("# Connection as a URI:", file=out)
    print(connection_uri(conn), file=out)
    print("# Add it to Airflow:", file=out)
    print(connections_add_command(args.conn_id, conn), file=out)
    return 0
