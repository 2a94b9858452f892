import { strict as assert } from "node:assert";
import * as xnat from "../../lib/xnat/index.js";
import { parseXml, evaluateXPath, valueOf, type XmlElement } from "../../lib/xnat/index.js";
import { isHttpError } from "../../lib/http/errors.js";
import { fact, fixture, fixtureText, jsonAnswer, recordedAnswer, recordedRoute, routeAt, startReplay, type Answer, type IncomingCall, type ReplayRoute, type ReplayServer } from "../helpers/replay.js";

/** What XNAT's session resource answers: the session id as text, and the cookie. */
const SESSION_ID = "0123456789ABCDEF0123456789ABCDEF";
const login: ReplayRoute = routeAt("GET", "/data/JSESSION", { status: 200, headers: { "content-type": "text/plain", "set-cookie": `JSESSIONID=${SESSION_ID}; Path=/; HttpOnly` }, body: SESSION_ID });
const logout: ReplayRoute = routeAt("DELETE", "/data/JSESSION", { status: 200, body: "" });

/**
 * `/data/search/elements/{type}` built from a recorded display document the way XNAT's
 * SearchFieldListResource builds it: the DisplayFields marked `searchable="true"` (XNAT's
 * default is false), SUMMARY their schema element, DESC their description, then one
 * `<project identifier>=<project>` row per readable project (here one, `P1`).
 */
function fieldListingFrom(displayFile: string): string {
  const document = parseXml(fixtureText(displayFile));
  const type = document.root.attributes["schema-element"];
  const rows: Record<string, string>[] = [];
  let identifier: string | undefined;
  for (const node of document.root.children) {
    if (node.kind !== "element" || node.local !== "DisplayField") continue;
    const a = node.attributes;
    if (/_PROJECT_IDENTIFIER$/.test(a.id)) identifier = a.id;
    if (a.searchable !== "true") continue;
    const elements = node.children.filter((c): c is XmlElement => c.kind === "element" && c.local === "DisplayFieldElement");
    const summary = elements.map((e) => e.attributes["schema-element"] ?? `${e.attributes.viewName}.${e.attributes.viewColumn}`).join(",");
    const descriptionNode = node.children.find((c): c is XmlElement => c.kind === "element" && c.local === "description");
    const description = (descriptionNode ? valueOf(descriptionNode) : "") || a.header || a.id;
    rows.push({ FIELD_ID: a.id, HEADER: a.header ?? "", SUMMARY: summary, TYPE: a["data-type"] ?? "string", REQUIRES_VALUE: a["xsi:type"] === "SQLQueryField" ? "true" : "false", DESC: description, ELEMENT_NAME: type, SRC: "0" });
  }
  if (identifier) rows.push({ FIELD_ID: `${identifier}=P1`, HEADER: "P1", SUMMARY: "Label within the P1 project.", TYPE: "string", REQUIRES_VALUE: "false", DESC: "Label within the P1 project.", ELEMENT_NAME: type, SRC: "2" });
  return JSON.stringify({ ResultSet: { Result: rows, title: "Search Fields", element_name: type } });
}

/**
 * The client against XNAT's own answers (test/fixtures/real/xnat), replayed over loopback. The
 * archive recordings answer `/data/archive/...`, which XNAT routes like `/data/...`.
 */
describe("xnat client against the recorded real answers", () => {
  let replay: ReplayServer | undefined;
  let cdb: xnat.XnatConnection | undefined;
  afterEach(async () => {
    await cdb?.close();
    cdb = undefined;
    await replay?.close();
    replay = undefined;
  });

  async function connectTo(routes: ReplayRoute[]): Promise<xnat.XnatConnection> {
    replay = await startReplay([login, logout, ...routes]);
    cdb = await xnat.connect(replay.url, { user: "someone", password: "replayed-password" });
    return cdb;
  }

  const archive = (file: string) => recordedRoute(file, { at: fixture(file).request!.path.replace("/data/archive/", "/data/") });

  it("a subject listing where a shared subject reports its owning project: kept as sent, every cell a string, default columns first", async () => {
    const client = await connectTo([archive("xnat/ohif-itcrdemo-subjects.json")]);
    const frame = await client.project("ITCRdemo").subjects();
    assert.deepEqual(frame.columns, ["ID", "project", "label", "insert_date", "insert_user", "URI"]);
    assert.deepEqual(frame.column("project").values, ["ITCRdemo", "TestParentProject"]);
    assert.deepEqual(frame.column("label").values, ["Patient2", "Patient1"]);
    assert.ok(frame.columns.every((c) => frame.column(c).values.every((v) => typeof v === "string")));
    assert.equal(await client.project("ITCRdemo").subject("Patient1").id(), "XNAT_JPETTS_S00012", "the label resolves from the listing of the project asked for, whatever project the row names");
  });

  it("experiment listings with the extra column xnat:subjectassessordata/id: kept as a string column after the documented ones, xsiType varying per row", async () => {
    const client = await connectTo([archive("xnat/ohif-itcrdemo-shared-subject-experiments.json"), archive("xnat/ohif-testviewer-experiments.json")]);
    const shared = await client.project("ITCRdemo").subject("XNAT_JPETTS_S00012").experiments();
    assert.deepEqual(shared.columns, ["ID", "project", "date", "xsiType", "label", "insert_date", "URI", "xnat:subjectassessordata/id"]);
    assert.deepEqual(shared.column("xnat:subjectassessordata/id").values, ["XNAT_JPETTS_E00015"]);
    const mixed = await client.project("TEST_Viewer").subject("XNAT_JPETTS_S00032").experiments();
    assert.deepEqual(mixed.column("xsiType").values, ["xnat:petSessionData", "xnat:ctSessionData"]);
    assert.equal(mixed.shape[1], 8);
    assert.deepEqual(replay!.unmatched, []);
  });

  it("a listing with totalRecords as a string and the default columns", async () => {
    const client = await connectTo([archive("xnat/ohif-testviewer-subjects.json")]);
    const frame = await client.project("TEST_Viewer").subjects();
    assert.equal(frame.shape[0], 1);
    assert.equal(frame.column("label").values[0], "QIN-HEADNECK-01-0003");
  });

  it("the documented data-type listing (no totalRecords, title Data-Types): every column, COUNT as a number", async () => {
    const client = await connectTo([recordedRoute("xnat/wiki-search-elements.json")]);
    const types = await client.dataTypes();
    assert.deepEqual(types.columns, ["ELEMENT_NAME", "SINGULAR", "PLURAL", "SECURED", "COUNT"]);
    assert.deepEqual(types.column("ELEMENT_NAME").values, ["xnat:projectData", "xnat:subjectData", "xnat:mrSessionData", "xnat:petSessionData"]);
    assert.deepEqual(types.column("COUNT").values, [10, 39, 36, 7]);
  });

  it("an unknown data type: XNAT's 400 (no representation) and a 404 are both UnknownDataTypeError", async () => {
    assert.equal(fact("xnat-unknown-type-400").response?.status, 400);
    const restletPage = (status: number): Answer => ({ status, headers: { "content-type": "text/html" }, body: "<html><body><h3>The request could not be understood by the server due to malformed syntax</h3></body></html>" });
    const client = await connectTo([routeAt("GET", "/data/search/elements/foo:bar", restletPage(400)), routeAt("GET", "/data/search/elements/foo:baz", restletPage(404))]);
    await assert.rejects(client.fields("foo:bar"), (e: unknown) => xnat.isUnknownDataTypeError(e) && e.status === 400 && e.dataType === "foo:bar" && e.code === "E_XNAT_TYPE" && isHttpError(e.cause));
    await assert.rejects(client.fields("foo:baz"), (e: unknown) => xnat.isUnknownDataTypeError(e) && e.status === 404);
  });

  it("field lists built as XNAT builds them from the stock display documents leave out PROJECTS, LABEL, SCANNER and SUBJECT_ID; searches with them are sent, and the recorded Columns map them by element_name and id", async () => {
    const posted: string[] = [];
    const columns = JSON.parse(fixtureText("xnat/nrg-mr_session_detailed_columns.json")) as { key: string }[];
    // Only the Columns metadata of this answer is recorded (NRG's expectation); the envelope around it is XNAT's listing envelope.
    const searchAnswer = (call: IncomingCall): Answer => jsonAnswer(200, { ResultSet: { Columns: [...columns, { key: "quarantine_status" }], Result: [], totalRecords: "0", rootElementName: call.query.get("root") ?? "xnat:subjectData" } });
    const client = await connectTo([
      routeAt("GET", "/data/search/elements/xnat:mrSessionData", { status: 200, headers: { "content-type": "application/json" }, body: fieldListingFrom("xnat/display-mrSessionData.xml") }),
      routeAt("GET", "/data/search/elements/xnat:subjectData", { status: 200, headers: { "content-type": "application/json" }, body: fieldListingFrom("xnat/display-subjectData.xml") }),
      {
        match: (call) => call.method === "POST" && call.path === "/data/search",
        answer: (call) => {
          posted.push(String(call.query));
          return searchAnswer(call);
        },
      },
    ]);
    const sessionFields = (await client.fieldList("xnat:mrSessionData")).map((f) => f.id);
    for (const unlisted of ["PROJECTS", "LABEL", "SCANNER", "OPERATOR", "MARKER"]) assert.ok(!sessionFields.includes(unlisted), unlisted);
    assert.ok(sessionFields.includes("SUBJECT_ID") && sessionFields.includes("MR_PROJECT_IDENTIFIER=P1"));
    const subjectFields = (await client.fieldList("xnat:subjectData")).map((f) => f.id);
    for (const unlisted of ["SUBJECT_ID", "SUBJECT_LABEL", "GENDER"]) assert.ok(!subjectFields.includes(unlisted), unlisted);
    assert.equal((await client.fieldList("xnat:mrSessionData")).find((f) => f.id === "DATE")?.schemaPath, "xnat:mrSessionData.date", "SUMMARY carries the schema element");

    const requested = ["MR_NOTES", "LABEL", "OPERATOR", "SCANNER", "MARKER", "STABILIZATION"].map((id) => `xnat:mrSessionData/${id}`);
    const result = await client.select("xnat:subjectData", requested).where([["xnat:mrSessionData/PROJECTS", "LIKE", "%P1%"], ["xnat:subjectData/SUBJECT_LABEL", "LIKE", "%"], "AND"]);
    assert.equal(posted.length, 1, "the search reached the server");
    assert.deepEqual(result.headers(), columns.map((c) => c.key));
    assert.deepEqual([...result.unlistedFields].sort(), [...requested, "xnat:mrSessionData/PROJECTS", "xnat:subjectData/SUBJECT_LABEL"].sort());
  });

  it("the scan Columns recording gives each column its server type (time, string) when the field list does not list the field", async () => {
    const scanColumns = JSON.parse(fixtureText("xnat/nrg-mr_scan_all_columns_subset.json")) as { key: string; type: string }[];
    const client = await connectTo([
      routeAt("GET", "/data/search/elements/xnat:subjectData", { status: 200, headers: { "content-type": "application/json" }, body: fieldListingFrom("xnat/display-subjectData.xml") }),
      routeAt("GET", "/data/search/elements/xnat:mrScanData", jsonAnswer(200, { ResultSet: { Result: [], title: "Search Fields" } })),
      routeAt("POST", "/data/search", jsonAnswer(200, { ResultSet: { Columns: scanColumns, Result: [{ xnat_mrscandata_id: "1", xnat_mrscandata_type: "T1w", xnat_mrscandata_series_description: "T1w_MPR", xnat_mrscandata_starttime: "12:01:02" }], totalRecords: "1" } })),
    ]);
    const result = await client.select("xnat:subjectData", ["ID", "TYPE", "SERIES_DESCRIPTION", "STARTTIME"].map((id) => `xnat:mrScanData/${id}`)).where([["xnat:subjectData/PROJECT", "=", "P1"]]);
    assert.deepEqual(result.headers(), scanColumns.map((c) => c.key));
    assert.deepEqual(result.items(), [["1", "T1w", "T1w_MPR", "12:01:02"]]);
    assert.ok(result.columns.every((c) => c.type === "string"), "time and string stay strings");
  });

  it("the stock default searches use fields the listing leaves out (SUBJECT_LABEL, GENDER_TEXT's raw GENDER, SCANNER): the client sends such a search as written", async () => {
    const used = (file: string) => evaluateXPath(parseXml(fixtureText(file)), "xdat:search_field/xdat:field_ID").map((n) => valueOf(n));
    assert.ok(used("xnat/nrg-default_site_subject_search.xml").includes("SUBJECT_LABEL"));
    assert.ok(used("xnat/nrg-default_project_mr_session_search.xml").includes("SCANNER"));
    const client = await connectTo([
      routeAt("GET", "/data/search/elements/xnat:mrSessionData", { status: 200, headers: { "content-type": "application/json" }, body: fieldListingFrom("xnat/display-mrSessionData.xml") }),
      routeAt("POST", "/data/search", jsonAnswer(200, { ResultSet: { Columns: [{ key: "scanner", element_name: "xnat:mrSessionData", id: "SCANNER", type: "string" }, { key: "quarantine_status" }], Result: [{ scanner: "Skyra", quarantine_status: "active" }], totalRecords: "1" } })),
    ]);
    const result = await client.select("xnat:mrSessionData", ["SCANNER"]).where([["xnat:mrSessionData/PROJECT", "=", "P1"]]);
    assert.deepEqual(result.items(), [["Skyra"]]);
    assert.deepEqual(result.unlistedFields, ["xnat:mrSessionData/SCANNER"]);
  });

  it("a search whose criterion names a field the server does not know: XNAT's 500, then one probe without the column, gives UnknownFieldError with suggestions", async () => {
    let searches = 0;
    const client = await connectTo([
      routeAt("GET", "/data/search/elements/xnat:mrSessionData", { status: 200, headers: { "content-type": "application/json" }, body: fieldListingFrom("xnat/display-mrSessionData.xml") }),
      {
        match: (call) => call.method === "POST" && call.path === "/data/search",
        answer: () =>
          ++searches === 1
            ? { status: 500, headers: { "content-type": "text/html" }, body: "<html><body><h3>Internal Server Error</h3></body></html>" }
            : jsonAnswer(200, { ResultSet: { Columns: [{ key: "session_id", element_name: "xnat:mrSessionData", id: "SESSION_ID", type: "string" }, { key: "quarantine_status" }], Result: [], totalRecords: "0" } }),
      },
    ]);
    await assert.rejects(client.select("xnat:mrSessionData", ["SESSION_ID"]).where([["xnat:mrSessionData/VISTI", "=", "v1"]]), (e: unknown) => {
      assert.ok(xnat.isUnknownFieldError(e), String(e));
      assert.equal(e.reason, "refused-criterion");
      assert.equal(e.field, "xnat:mrSessionData/VISTI");
      assert.equal(e.suggestions[0], "xnat:mrSessionData/VISIT");
      return true;
    });
    assert.equal(searches, 2);
  });

  it("a subject document from XNAT Central (every prefix on the root, hidden_fields comments, an embedded MR session) parses, and xpath reaches the session", () => {
    const document = parseXml(fixtureText("xnat/central-subject-with-experiment.xml"));
    assert.equal(document.root.name, "xnat:Subject");
    assert.equal(evaluateXPath(document, "xnat:experiments/xnat:experiment").length, 1);
    assert.equal(evaluateXPath(document, "xnat:experiments/xnat:experiment/xnat:scanner").length, 1);
    assert.equal(evaluateXPath(document, "xnat:experiments/xnat:experiment/xnat:sharing/xnat:share/@project").length, 1);
    const pyxnatSession = parseXml(fixtureText("xnat/experiment-mrsession-pyxnat.xml"));
    assert.equal(pyxnatSession.root.local, "MRSession");
  });
});

describe("recorded answers the client is not the reader of", () => {
  it("the recorded search CSV (pyxnat's reader's input) is what the demo's CSV is compared against; its recorded answer is replayable", () => {
    const answer = recordedAnswer("xnat/search-result-pyxnat-nose.csv");
    assert.equal(answer.status, 200);
    assert.equal(answer.headers?.["content-type"], "text/csv");
  });
});
