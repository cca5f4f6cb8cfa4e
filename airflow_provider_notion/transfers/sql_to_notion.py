"""``SqlToNotionOperator``: run a query on any SQL connection and sync its rows into a Notion database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_notion.exceptions import NotionInputError
from airflow_provider_notion.operators.sync import NotionSyncRowsOperator
from airflow_provider_notion.utils.coerce import whole_number

DEFAULT_CHUNK_SIZE = 1000


class SqlToNotionOperator(NotionSyncRowsOperator):
    """Sync the rows of a SQL query into a Notion database (see :class:`NotionSyncRowsOperator`).

    The query runs on ``conn_id``, any connection whose hook is a ``common.sql`` ``DbApiHook`` (PostgreSQL,
    MySQL, SQLite, Snowflake, ...). Its rows are fetched ``chunk_size`` at a time (``fetchmany``) and become
    ``{column name: value}`` dicts: name the columns like the database's properties (``SELECT sku AS "SKU"``).
    Driver types map by the property type: ``Decimal`` and numbers -> number, ``date``/``datetime`` -> date
    (naive = UTC), strings -> text, select, url...

    .. code-block:: python

        SqlToNotionOperator(
            task_id="orders_to_notion",
            conn_id="postgres_default",
            sql='SELECT id AS "Order", status AS "Status", total AS "Total" FROM orders WHERE day = %(day)s',
            parameters={"day": "{{ dag_run.run_after | ds }}"},  # every run has run_after; not every run a ds
            database_id="{{ var.value.orders_db }}",
            key="Order",
        )

    :param sql: the query. Templated (``.sql`` files are read as templates).
    :param conn_id: the SQL connection.
    :param parameters: query parameters in the driver's style. Templated.
    :param chunk_size: rows per ``fetchmany``.
    :param kwargs: everything :class:`NotionSyncRowsOperator` takes except ``rows``.
    """

    template_fields: Sequence[str] = (
        *(f for f in NotionSyncRowsOperator.template_fields if f not in ("rows", "rows_format")),
        "sql",
        "parameters",
    )
    template_ext: Sequence[str] = (".sql",)
    template_fields_renderers: ClassVar[dict[str, str]] = {"sql": "sql", "parameters": "json"}

    def __init__(
        self,
        *,
        sql: str,
        conn_id: str,
        parameters: Mapping[str, Any] | Sequence[Any] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        **kwargs: Any,
    ) -> None:
        super().__init__(rows=None, **kwargs)
        self.sql = sql
        self.conn_id = conn_id
        self.parameters = parameters
        self.chunk_size = chunk_size

    def execute(self, context: Any) -> dict[str, Any]:
        if not isinstance(self.sql, str) or not self.sql.strip():
            raise NotionInputError("sql", "give the query whose rows are synced")
        self.chunk_size = whole_number(self.chunk_size, "chunk_size", minimum=1)
        self.rows = self._query_rows()
        return super().execute(context)

    def db_hook(self) -> Any:
        """The connection's hook; it must be a ``common.sql`` ``DbApiHook``."""
        from airflow.providers.common.sql.hooks.sql import DbApiHook

        hook = BaseHook.get_hook(self.conn_id)
        if not isinstance(hook, DbApiHook):
            raise NotionInputError(
                "conn_id",
                f"connection {self.conn_id!r} has a {type(hook).__name__}, not a SQL (DbApiHook) hook",
            )
        return hook

    def _query_rows(self) -> Iterator[dict[str, Any]]:
        db_hook = self.db_hook()
        with closing(db_hook.get_conn()) as connection, closing(connection.cursor()) as cursor:
            if self.parameters is None:
                cursor.execute(self.sql)
            else:
                cursor.execute(self.sql, self.parameters)
            columns = [str(column[0]) for column in cursor.description or []]
            if not columns:
                raise NotionInputError("sql", "the query returned no columns (is it a SELECT?)")
            self.log.info("Reading the rows of the query in chunks of %d", self.chunk_size)
            while chunk := cursor.fetchmany(self.chunk_size):
                for record in chunk:
                    yield dict(zip(columns, record, strict=True))
