// Drives the official JavaScript SDK (@notionhq/client) against the Notion emulator, for one Notion-Version.
// Run by tests/conformance/test_js_sdk.py, which passes the emulator's address, the API version and the
// expected key sets (taken from the recorded Notion answers) in NOTION_CONFORMANCE (JSON). Prints one JSON
// line per endpoint: {"endpoint", "ok", "error"?}.
import { Client, APIResponseError, collectPaginatedAPI } from "@notionhq/client";

const config = JSON.parse(process.env.NOTION_CONFORMANCE);
const { baseUrl, token, version, rootPageId, expected } = config;
const V1 = "2022-06-28";
const V3 = "2026-03-11";
const notion = new Client({ auth: token, baseUrl, notionVersion: version, retry: false, logLevel: "error" });

const results = [];
function report(endpoints, ok, error) {
  for (const endpoint of endpoints) results.push({ endpoint, ok, ...(error ? { error } : {}) });
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
function keysOf(obj) {
  return Object.keys(obj).filter((key) => key !== "request_id").sort();
}
function sameKeys(obj, kind) {
  const want = [...expected[kind]].sort();
  const got = keysOf(obj);
  assert(JSON.stringify(got) === JSON.stringify(want), `${kind} keys ${got} != ${want}`);
}
async function check(endpoints, fn) {
  try {
    await fn();
    report(endpoints, true);
  } catch (error) {
    report(endpoints, false, String(error && error.stack ? error.stack.split("\n").slice(0, 3).join(" | ") : error));
  }
}
const text = (content) => [{ type: "text", text: { content } }];
const SCHEMA = { Name: { title: {} }, Count: { number: {} }, Tag: { select: { options: [{ name: "a" }] } } };

async function newDatabase() {
  if (version === V1) {
    const db = await notion.request({
      path: "databases",
      method: "post",
      body: { parent: { page_id: rootPageId }, title: text("Tasks"), properties: SCHEMA },
    });
    return { db, id: db.id, rowParent: { database_id: db.id }, dsId: null };
  }
  const db = await notion.databases.create({
    parent: { type: "page_id", page_id: rootPageId },
    title: text("Tasks"),
    initial_data_source: { properties: SCHEMA },
  });
  const dsId = db.data_sources[0].id;
  return { db, id: db.id, rowParent: { data_source_id: dsId }, dsId };
}
async function newPage(title, parent = rootPageId) {
  return notion.pages.create({ parent: { page_id: parent }, properties: { title: { title: text(title) } } });
}

await check(["GET /v1/users/me"], async () => {
  const me = await notion.users.me({});
  sameKeys(me, "bot");
  assert(me.type === "bot", "not a bot");
});

await check(["GET /v1/users", "GET /v1/users/{user_id}"], async () => {
  const users = await collectPaginatedAPI(notion.users.list, { page_size: 2 });
  assert(users.length >= 4, `only ${users.length} users`);
  const person = users.find((user) => user.type === "person");
  const again = await notion.users.retrieve({ user_id: person.id });
  assert(again.id === person.id, "retrieve returned another user");
});

await check(["POST /v1/databases", "GET /v1/databases/{database_id}", "PATCH /v1/databases/{database_id}"], async () => {
  const database = await newDatabase();
  sameKeys(database.db, "database");
  sameKeys(await notion.databases.retrieve({ database_id: database.id }), "database");
  const updated = await notion.databases.update({ database_id: database.id, title: text("Renamed") });
  assert(updated.title[0].plain_text === "Renamed", "title not updated");
});

if (version !== V1) {
  await check(
    [
      "POST /v1/data_sources",
      "GET /v1/data_sources/{data_source_id}",
      "PATCH /v1/data_sources/{data_source_id}",
      "GET /v1/data_sources/{data_source_id}/templates",
    ],
    async () => {
      const database = await newDatabase();
      const second = await notion.dataSources.create({
        parent: { type: "database_id", database_id: database.id },
        title: text("Second"),
        properties: { Title: { title: {} }, Done: { checkbox: {} } },
      });
      sameKeys(second, "data_source");
      sameKeys(await notion.dataSources.retrieve({ data_source_id: second.id }), "data_source");
      const updated = await notion.dataSources.update({
        data_source_id: second.id,
        properties: { Done: { name: "Finished" } },
      });
      assert("Finished" in updated.properties, "rename lost");
      const templates = await notion.dataSources.listTemplates({ data_source_id: second.id });
      assert(JSON.stringify(keysOf(templates)) === JSON.stringify(["has_more", "next_cursor", "templates"]), "templates shape");
    },
  );
}

await check([version === V1 ? "POST /v1/databases/{database_id}/query" : "POST /v1/data_sources/{data_source_id}/query"], async () => {
  const database = await newDatabase();
  for (const count of [3, 1, 2, 5]) {
    await notion.pages.create({
      parent: database.rowParent,
      properties: { Name: { title: text(`row ${count}`) }, Count: { number: count } },
    });
  }
  const body = {
    filter: { property: "Count", number: { greater_than: 1 } },
    sorts: [{ property: "Count", direction: "ascending" }],
  };
  let rows;
  if (version === V1) {
    const first = await notion.request({ path: `databases/${database.id}/query`, method: "post", body });
    sameKeys(first, "query_list");
    rows = first.results;
  } else {
    const first = await notion.dataSources.query({ data_source_id: database.dsId, ...body, page_size: 2 });
    sameKeys(first, "query_list");
    assert(first.has_more === true, "no second page");
    rows = await collectPaginatedAPI(notion.dataSources.query, { data_source_id: database.dsId, ...body, page_size: 2 });
  }
  const counts = rows.map((row) => row.properties.Count.number);
  assert(JSON.stringify(counts) === "[2,3,5]", `rows ${counts}`);
});

await check(
  ["POST /v1/pages", "GET /v1/pages/{page_id}", "PATCH /v1/pages/{page_id}", "GET /v1/pages/{page_id}/properties/{property_id}"],
  async () => {
    const database = await newDatabase();
    const page = await notion.pages.create({
      parent: database.rowParent,
      properties: { Name: { title: text("Report") }, Tag: { select: { name: "b" } } },
    });
    sameKeys(page, "page");
    const fetched = await notion.pages.retrieve({ page_id: page.id, filter_properties: [page.properties.Tag.id] });
    assert(JSON.stringify(Object.keys(fetched.properties)) === '["Tag"]', "filter_properties ignored");
    const updated = await notion.pages.update({ page_id: page.id, properties: { Count: { number: 7 } } });
    assert(updated.properties.Count.number === 7, "update lost");
    const trashed = await notion.pages.update({ page_id: page.id, in_trash: true });
    assert(trashed.in_trash === true && ("archived" in trashed) === (version !== V3), "trash shape");
    const item = await notion.pages.properties.retrieve({ page_id: page.id, property_id: "title" });
    sameKeys(item, "property_item_list");
  },
);

await check(["POST /v1/pages/{page_id}/move"], async () => {
  const target = await newPage("to");
  const page = await newPage("me");
  const moved = await notion.pages.move({ page_id: page.id, parent: { type: "page_id", page_id: target.id } });
  sameKeys(moved, "page");
  assert(moved.parent.page_id === target.id, "not moved");
});

await check(
  [
    "PATCH /v1/blocks/{block_id}/children",
    "GET /v1/blocks/{block_id}/children",
    "GET /v1/blocks/{block_id}",
    "PATCH /v1/blocks/{block_id}",
    "DELETE /v1/blocks/{block_id}",
  ],
  async () => {
    const page = await newPage("blocks");
    const appended = await notion.blocks.children.append({
      block_id: page.id,
      children: [0, 1, 2].map((i) => ({ paragraph: { rich_text: text(`line ${i}`) } })),
    });
    sameKeys(appended.results[0], "paragraph_block");
    sameKeys(await notion.blocks.children.list({ block_id: page.id, page_size: 2 }), "block_list");
    const every = await collectPaginatedAPI(notion.blocks.children.list, { block_id: page.id, page_size: 2 });
    assert(every.length === 3, "pagination lost blocks");
    const first = appended.results[0];
    assert((await notion.blocks.retrieve({ block_id: first.id })).id === first.id, "retrieve");
    const updated = await notion.blocks.update({ block_id: first.id, paragraph: { rich_text: text("changed") } });
    assert(updated.paragraph.rich_text[0].plain_text === "changed", "update");
    const deleted = await notion.blocks.delete({ block_id: first.id });
    assert(deleted.in_trash === true, "delete");
  },
);

await check(["POST /v1/search"], async () => {
  await newPage("Findable");
  const found = await notion.search({ query: "Findable", filter: { property: "object", value: "page" } });
  assert(found.results.length === 1 && found.results[0].object === "page", "search");
});

await check(
  ["POST /v1/file_uploads", "POST /v1/file_uploads/{file_upload_id}/send", "GET /v1/file_uploads/{file_upload_id}", "GET /v1/file_uploads"],
  async () => {
    const upload = await notion.fileUploads.create({ filename: "report.csv", content_type: "text/csv" });
    sameKeys(upload, "file_upload_pending");
    const sent = await notion.fileUploads.send({
      file_upload_id: upload.id,
      file: { filename: "report.csv", data: new Blob(["a,b\n1,2\n"], { type: "text/csv" }) },
    });
    assert(sent.status === "uploaded" && sent.content_length === 8, `send: ${sent.status}`);
    assert((await notion.fileUploads.retrieve({ file_upload_id: upload.id })).status === "uploaded", "retrieve");
    const listed = await notion.fileUploads.list({ status: "uploaded" });
    assert(listed.results.length === 1, "list");
    const page = await newPage("attach");
    const block = (
      await notion.blocks.children.append({
        block_id: page.id,
        children: [{ type: "file", file: { type: "file_upload", file_upload: { id: upload.id } } }],
      })
    ).results[0];
    assert(block.file.type === "file" && Array.isArray(block.file.caption), "attached shape");
    const body = await (await fetch(block.file.file.url)).text();
    assert(body === "a,b\n1,2\n", "download");
  },
);

await check(["POST /v1/comments", "GET /v1/comments"], async () => {
  const page = await newPage("comments");
  const first = await notion.comments.create({ parent: { page_id: page.id }, rich_text: text("first") });
  assert(first.object === "comment" && first.parent.page_id === page.id, "comment shape");
  const reply = await notion.comments.create({ discussion_id: first.discussion_id, rich_text: text("reply") });
  assert(reply.discussion_id === first.discussion_id, "not in the discussion");
  const every = await collectPaginatedAPI(notion.comments.list, { block_id: page.id, page_size: 1 });
  assert(JSON.stringify(every.map((c) => c.rich_text[0].plain_text)) === '["first","reply"]', "comments list");
});

if (version === V3) {
  // The page Markdown endpoints need 2026-03-11 or later (API reference).
  await check(["GET /v1/pages/{page_id}/markdown", "PATCH /v1/pages/{page_id}/markdown"], async () => {
    const page = await newPage("markdown");
    const replaced = await notion.pages.updateMarkdown({
      page_id: page.id,
      type: "replace_content",
      replace_content: { new_str: "# Report\n\nAll green." },
    });
    assert(replaced.object === "page_markdown", `object ${replaced.object}`);
    const read = await notion.pages.retrieveMarkdown({ page_id: page.id });
    assert(read.markdown.includes("# Report") && read.markdown.includes("All green."), "markdown lost");
  });
}

await check(["GET /v1/custom_emojis"], async () => {
  const listed = await notion.customEmojis.list({});
  assert(listed.object === "list" && listed.type === "custom_emoji", "custom emojis shape");
});

await check(["errors: 401, 404, 400"], async () => {
  const stranger = new Client({ auth: "ntn_wrong", baseUrl, notionVersion: version, retry: false, logLevel: "error" });
  const codes = [];
  for (const call of [
    () => stranger.users.list({}),
    () => notion.pages.retrieve({ page_id: "00000000-0000-0000-0000-000000000000" }),
    () => notion.pages.create({ parent: { page_id: rootPageId }, properties: { title: { title: "x" } } }),
  ]) {
    try {
      await call();
      codes.push("no error");
    } catch (error) {
      codes.push(APIResponseError.isAPIResponseError(error) ? `${error.status} ${error.code}` : String(error));
    }
  }
  assert(
    JSON.stringify(codes) === JSON.stringify(["401 unauthorized", "404 object_not_found", "400 validation_error"]),
    `codes ${codes}`,
  );
});

const NOT_IMPLEMENTED = {
  "GET /v1/views [not implemented]": () => notion.views.list({ database_id: rootPageId }),
  "GET /v1/views/{view_id} [not implemented]": () => notion.views.retrieve({ view_id: rootPageId }),
  "POST /v1/blocks/meeting_notes/query [not implemented]": () => notion.blocks.meetingNotes.query({}),
};
for (const [endpoint, call] of Object.entries(NOT_IMPLEMENTED)) {
  await check([endpoint], async () => {
    try {
      await call();
    } catch (error) {
      assert(APIResponseError.isAPIResponseError(error), `not an API error: ${error}`);
      assert(error.status === 400 && error.code === "invalid_request_url", `${error.status} ${error.code}`);
      return;
    }
    throw new Error("no error");
  });
}

for (const result of results) console.log(JSON.stringify(result));
