import { strict as assert } from "node:assert";
import { XMLParser } from "fast-xml-parser";
import { HIGH_AGREEABLENESS, IWRD_30_TO_34, Q1_LABELS } from "../../demo/src/xnat/facts.js";
import { bundle, DemoClient, parseCsv, startClient } from "./helpers.js";

const NEO_FIELDS = ["SUBJECT_ID", ...["A", "O", "C", "N", "E"].map((factor) => `NEO_NEOFAC_${factor}`)].map((field) => `nt:scores/${field}`);
const CPW_FIELDS = ["SUBJECT_ID", "CPW_IWRD_TOT", "CPW_IWRD_RTC"].map((field) => `nt:scores/${field}`);
const IN_Q1: [string, string, string] = ["nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"];

describe("xnat demo: POST /data/search", () => {
  let client: DemoClient;
  let labelOf: Map<string, string>;
  before(async () => {
    client = await startClient();
    const subjects = await client.json("data/projects/HCP_Q1/subjects?format=json&columns=ID,label");
    labelOf = new Map(subjects.ResultSet.Result.map((row: any) => [row.ID, row.label]));
  });
  after(() => client.demo.close());

  const rowsOf = async (root: string, fields: string[], constraints: any[]) => {
    const reply = await client.search(bundle(root, fields, constraints), "json");
    assert.equal(reply.status, 200, reply.text.slice(0, 300));
    return JSON.parse(reply.text).ResultSet;
  };

  it("runs the seed's NEO search: 76 rows in subject-ID order, lower-cased field ids in request order", async () => {
    const reply = await client.search(bundle("nt:scores", NEO_FIELDS, [IN_Q1]), "csv");
    assert.equal(reply.status, 200);
    const [header, ...rows] = parseCsv(reply.text);
    assert.deepEqual(header, ["subject_id", "neo_neofac_a", "neo_neofac_o", "neo_neofac_c", "neo_neofac_n", "neo_neofac_e", "quarantine_status"]);
    assert.equal(rows.length, 76);
    assert.deepEqual(rows.map((row) => labelOf.get(row[0])), Q1_LABELS);
    assert.deepEqual(rows[0].slice(0, 6), ["ConnectomeDB_S00230", "33", "37", "24", "15", "35"]);
    assert.deepEqual(rows[1].slice(0, 6), ["ConnectomeDB_S00231", "19", "25", "27", "25", "32"]);
    const s143325 = rows.find((row) => labelOf.get(row[0]) === "143325")!;
    assert.deepEqual(s143325.slice(1, 6), ["28", "15", "25", "25", "32"]);
    const high = rows.filter((row) => row[1] !== "" && Number(row[1]) > 40).map((row) => labelOf.get(row[0]));
    assert.deepEqual(high.sort(), [...HIGH_AGREEABLENESS].sort());
    assert.ok(rows.some((row) => row[1] === ""), "some subjects have no agreeableness score");
  });

  it("returns the JSON envelope with Columns, string totalRecords and rootElementName", async () => {
    const resultSet = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", ">", "40"], "AND"]);
    assert.equal(resultSet.totalRecords, "4");
    assert.equal(resultSet.rootElementName, "nt:scores");
    assert.deepEqual(resultSet.Result.map((row: any) => labelOf.get(row.subject_id)), ["149337", "732243", "792564", "877168"]);
    assert.deepEqual(resultSet.Columns[1], {
      key: "neo_neofac_a",
      element_name: "nt:scores",
      id: "NEO_NEOFAC_A",
      xPATH: "nt:scores.NEO_NEOFAC_A",
      header: "nt:scores/NEO_NEOFAC_A",
      type: "string",
    });
    assert.deepEqual(resultSet.Columns.at(-1), { key: "quarantine_status" });
    assert.deepEqual(Object.keys(resultSet.Result[0]), resultSet.Columns.map((column: any) => column.key));
  });

  it("answers XML result sets", async () => {
    const reply = await client.search(bundle("nt:scores", CPW_FIELDS, [IN_Q1]), "xml");
    const parsed = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(reply.text);
    assert.equal(parsed.ResultSet["@_totalRecords"], "76");
    assert.equal(parsed.ResultSet["@_rootElementName"], "nt:scores");
    assert.deepEqual(parsed.ResultSet.results.columns.column, ["subject_id", "cpw_iwrd_tot", "cpw_iwrd_rtc", "quarantine_status"]);
  });

  it("compares numeric fields numerically: 30 <= CPW_IWRD_TOT < 35 gives the seed's 26 subjects", async () => {
    const resultSet = await rowsOf("nt:scores", CPW_FIELDS, [IN_Q1, ["nt:scores/CPW_IWRD_TOT", ">=", "30"], ["nt:scores/CPW_IWRD_TOT", "<", "35"], "AND"]);
    assert.equal(resultSet.totalRecords, "26");
    assert.deepEqual(resultSet.Result.map((row: any) => labelOf.get(row.subject_id)), IWRD_30_TO_34);
    const lexicalTrap = await rowsOf("nt:scores", CPW_FIELDS, [IN_Q1, ["nt:scores/CPW_IWRD_TOT", "<", "100"], "AND"]);
    assert.equal(lexicalTrap.totalRecords, "76", "'35' < '100' is false as text but true as a number");
  });

  it("nests an OR set inside AND: the other 50 subjects", async () => {
    const resultSet = await rowsOf("nt:scores", CPW_FIELDS, [IN_Q1, [["nt:scores/CPW_IWRD_TOT", "<", "30"], ["nt:scores/CPW_IWRD_TOT", ">=", "35"], "OR"], "AND"]);
    assert.equal(resultSet.totalRecords, "50");
    const labels = resultSet.Result.map((row: any) => labelOf.get(row.subject_id));
    assert.deepEqual(labels, Q1_LABELS.filter((label) => !IWRD_30_TO_34.includes(label)));
  });

  it("treats a missing method as AND (pyxnat omits it when no 'AND'/'OR' is given)", async () => {
    const xml = bundle("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", ">", "40"]]);
    assert.ok(!xml.includes("method="));
    const reply = await client.search(xml, "json");
    assert.equal(JSON.parse(reply.text).ResultSet.totalRecords, "4");
  });

  it("implements LIKE with SQL wildcards, case-insensitively: '_' also matches HCP-Q1-MEG, and HCP_Q1b matches", async () => {
    const subjects = await rowsOf("xnat:subjectData", ["xnat:subjectData/SUBJECT_ID", "xnat:subjectData/PROJECTS"], [["xnat:subjectData/PROJECTS", "LIKE", "%HCP_Q1%"]]);
    assert.ok(Number(subjects.totalRecords) > 76, "the LIKE over-matches the trap projects");
    const overMatched = subjects.Result.filter((row: any) => !row.projects.includes("<HCP_Q1>"));
    assert.ok(overMatched.some((row: any) => row.projects.includes("<HCP_Q1b>")));
    assert.ok(overMatched.some((row: any) => row.projects.includes("<HCP-Q1-MEG>")));
    const exact = await rowsOf("xnat:subjectData", ["xnat:subjectData/SUBJECT_ID"], [["xnat:subjectData/PROJECTS", "LIKE", "%<HCP_Q1>%"]]);
    assert.equal(exact.totalRecords, "76", "angle brackets make the match exact (and survive XML escaping)");
    const lower = await rowsOf("xnat:subjectData", ["xnat:subjectData/SUBJECT_ID"], [["xnat:subjectData/PROJECTS", "LIKE", "%hcp_q1%"]]);
    assert.equal(lower.totalRecords, subjects.totalRecords);
    const notLike = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/SUBJECT_ID", "NOT LIKE", "%S0023_"], "AND"]);
    assert.equal(notLike.totalRecords, String(76 - 10));
  });

  it("handles NULLs like SQL: = '' is IS NULL, != includes NULLs, '*' is IS NOT NULL, NOT LIKE excludes NULLs", async () => {
    const nulls = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", "=", ""], "AND"]);
    assert.ok(Number(nulls.totalRecords) >= 2);
    for (const row of nulls.Result) assert.equal(row.neo_neofac_a, "");
    const notEqual = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", "!=", "33"], "AND"]);
    assert.ok(notEqual.Result.some((row: any) => row.neo_neofac_a === ""));
    const present = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", "=", "*"], "AND"]);
    assert.equal(Number(present.totalRecords) + Number(nulls.totalRecords), 76);
    const notLike = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", "NOT LIKE", "9%"], "AND"]);
    assert.ok(notLike.Result.every((row: any) => row.neo_neofac_a !== ""));
  });

  it("supports IN, BETWEEN and IS NULL", async () => {
    const inList = await rowsOf("nt:scores", NEO_FIELDS, [["nt:scores/SUBJECT_ID", "IN", "ConnectomeDB_S00230,ConnectomeDB_S00231"]]);
    assert.equal(inList.totalRecords, "2");
    const between = await rowsOf("nt:scores", CPW_FIELDS, [IN_Q1, ["nt:scores/CPW_IWRD_TOT", "BETWEEN", "30 AND 34"], "AND"]);
    assert.equal(between.totalRecords, "26");
    const isNull = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", "IS NULL", ""], "AND"]);
    const blank = await rowsOf("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", "=", ""], "AND"]);
    assert.equal(isNull.totalRecords, blank.totalRecords);
  });

  it("joins subject fields and parameterised project labels", async () => {
    const resultSet = await rowsOf(
      "nt:scores",
      ["nt:scores/SUBJECT_ID", "nt:scores/PROJECT_IDENTIFIER=HCP_Q1", "xnat:subjectData/GENDER_TEXT"],
      [IN_Q1, ["xnat:subjectData/GENDER_TEXT", "=", "female"], "AND"],
    );
    assert.deepEqual(Object.keys(resultSet.Result[0]), ["subject_id", "project_identifier_hcp_q1", "xnat_subjectdata_gender_text", "quarantine_status"]);
    assert.ok(resultSet.Result.every((row: any) => row.xnat_subjectdata_gender_text === "female"));
    assert.ok(resultSet.Result.every((row: any) => row.project_identifier_hcp_q1.endsWith("_NonToolbox")));
  });

  it("compares dates as dates and accepts xnatpy's MM/DD/YYYY", async () => {
    const fields = ["xnat:mrSessionData/SUBJECT_ID", "xnat:mrSessionData/DATE"];
    const iso = await rowsOf("xnat:mrSessionData", fields, [["xnat:mrSessionData/DATE", ">=", "2013-01-01"]]);
    const us = await rowsOf("xnat:mrSessionData", fields, [["xnat:mrSessionData/DATE", ">=", "01/01/2013"]]);
    assert.ok(Number(iso.totalRecords) > 0);
    assert.equal(us.totalRecords, iso.totalRecords);
    assert.ok(iso.Result.every((row: any) => row.date >= "2013-01-01"));
  });

  it("accepts schema paths and the ID path pyxnat's all() uses", async () => {
    const resultSet = await rowsOf("nt:scores", ["nt:scores/SUBJECT_ID", "nt:scores/NEO/NEOFAC_A"], [["nt:scores/ID", "LIKE", "%"], "AND"]);
    assert.ok(Number(resultSet.totalRecords) > 76);
    assert.ok("neo_neofac_a" in resultSet.Result[0]);
  });

  it("fails with 500 and a clear <h3> message for unknown criteria fields, types, operators and non-numeric values", async () => {
    const cases: Array<[string, RegExp]> = [
      [bundle("nt:scores", ["nt:scores/NO_SUCH_FIELD"], [IN_Q1]), /none of the search fields of nt:scores exists/],
      [bundle("nt:scores", ["nt:scores/SUBJECT_ID"], [["nt:scores/NOPE", "=", "1"]]), /Unknown search field nt:scores\/NOPE/],
      [bundle("nt:nothing", ["nt:nothing/SUBJECT_ID"], [IN_Q1]), /Unknown data type nt:nothing/],
      [bundle("nt:scores", ["nt:scores/SUBJECT_ID"], [["nt:scores/NEO_NEOFAC_A", "~", "1"]]), /Unsupported comparison_type "~"/],
      [bundle("nt:scores", ["nt:scores/SUBJECT_ID"], [["nt:scores/NEO_NEOFAC_A", ">", "forty"]]), /invalid input syntax for type numeric: "forty"/],
      [bundle("nt:scores", ["nt:scores/SUBJECT_ID"], [["nt:scores/PROJECTS", "=", "x'; DROP TABLE x; --"]]), /possible SQL injection/],
    ];
    for (const [xml, message] of cases) {
      const reply = await client.search(xml);
      assert.equal(reply.status, 500, xml);
      assert.match(reply.text, /^<html>/);
      assert.match(reply.text, message);
    }
  });

  it("leaves a column it cannot resolve out of the result (200), as XNAT's DisplaySearch logs and skips it", async () => {
    const reply = await client.search(bundle("nt:scores", ["nt:scores/SUBJECT_ID", "nt:scores/NEO_NEOFAC_Q", "nt:nothing/X"], [IN_Q1]), "json");
    assert.equal(reply.status, 200);
    const resultSet = JSON.parse(reply.text).ResultSet;
    assert.deepEqual(resultSet.Columns.map((c: any) => c.key), ["subject_id", "quarantine_status"]);
    assert.equal(resultSet.Result.length, 76);
  });

  it("rejects unusable documents with 422: DOCTYPE/entities, broken XML, another root", async () => {
    const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${bundle("nt:scores", NEO_FIELDS, [["nt:scores/PROJECTS", "LIKE", "&e;"]])}`;
    const cases: Array<[string, RegExp]> = [
      [doctype, /DOCTYPE or ENTITY/],
      ["<xdat:bundle xmlns:xdat='http://nrg.wustl.edu/security'><xdat:root_element_name>nt:scores", /not well-formed/],
      ["<search><root_element_name>nt:scores</root_element_name></search>", /root element must be xdat:bundle/],
      ["", /body is empty/],
    ];
    for (const [xml, message] of cases) {
      const reply = await client.search(xml);
      assert.equal(reply.status, 422);
      assert.match(reply.text, message);
    }
  });

  it("answers 405 to GET /data/search", async () => {
    assert.equal((await client.get("data/search?format=json")).status, 405);
  });

  it("accepts the document as a multipart .xml upload", async () => {
    const form = new FormData();
    form.append("search", new Blob([bundle("nt:scores", NEO_FIELDS, [IN_Q1])], { type: "text/xml" }), "search.xml");
    const reply = await client.fetchRaw("data/search?format=json", { method: "POST", body: form });
    assert.equal(JSON.parse(reply.text).ResultSet.totalRecords, "76");
  });
});

describe("xnat demo: cached search results", () => {
  let clock = 1_700_000_000_000;
  let client: DemoClient;
  before(async () => {
    client = await startClient({ searchCacheSeconds: 60, now: () => clock });
  });
  after(() => client.demo.close());

  it("stores the result with cache=true, returns the first page with the full totalRecords and an ID, and pages it", async () => {
    const first = await client.fetchRaw("data/search?format=json&cache=true&limit=10&sortBy=neo_neofac_a&sortOrder=DESC", {
      method: "POST",
      body: bundle("nt:scores", NEO_FIELDS, [IN_Q1]),
    });
    const resultSet = JSON.parse(first.text).ResultSet;
    assert.equal(resultSet.Result.length, 10);
    assert.equal(resultSet.totalRecords, "76");
    assert.match(resultSet.ID, /^xs\d+_[0-9a-f]{8}$/);
    const values = resultSet.Result.map((row: any) => Number(row.neo_neofac_a));
    assert.deepEqual(values, [...values].sort((a, b) => b - a), "sorted before paging");
    const page = JSON.parse((await client.get(`data/search/${resultSet.ID}?format=json&offset=70&limit=10`)).text).ResultSet;
    assert.equal(page.Result.length, 6);
    assert.equal(page.totalRecords, "76");
    const csv = parseCsv((await client.get(`data/search/${resultSet.ID}?format=csv&sortBy=subject_id`)).text);
    assert.equal(csv.length, 77);
    assert.equal(csv[1][0], "ConnectomeDB_S00230");
    assert.equal((await client.get(`data/search/${resultSet.ID}?offset=ten`)).status, 422);
    clock += 61_000;
    assert.equal((await client.get(`data/search/${resultSet.ID}?format=json`)).status, 410);
    assert.equal((await client.get("data/search/xs_unknown?format=json")).status, 404);
  });
});

describe("xnat demo: stored searches", () => {
  let client: DemoClient;
  before(async () => {
    client = await startClient();
  });
  after(() => client.demo.close());

  it("stores a bundle under an id, lists it, returns it with the forced ID, runs it and deletes it", async () => {
    const xml = bundle("nt:scores", NEO_FIELDS, [IN_Q1, ["nt:scores/NEO_NEOFAC_A", ">", "40"], "AND"]).replace('brief-description=""', 'brief-description="high_a"');
    const put = await client.fetchRaw("data/search/saved/high_a?inbody=true", { method: "PUT", body: xml });
    assert.equal(put.status, 200);
    const list = await client.json("data/search/saved?format=json");
    assert.equal(list.ResultSet.title, "Stored Searches");
    assert.deepEqual(list.ResultSet.Result.map((row: any) => [row.id, row.brief_description, row.root_element_name]), [["high_a", "high_a", "nt:scores"]]);
    const stored = await client.get("data/search/saved/high_a");
    assert.match(stored.text, /^<xdat:bundle ID="high_a" xmlns:xdat=/);
    const results = parseCsv((await client.get("data/search/saved/high_a/results?format=csv")).text);
    assert.equal(results.length, 5);
    assert.equal((await client.fetchRaw("data/search/saved/high_a", { method: "DELETE" })).status, 200);
    assert.equal((await client.get("data/search/saved/high_a")).status, 404);
  });

  it("synthesises @<type> listing searches and refuses bodies that are not searches", async () => {
    const synthetic = await client.get("data/search/saved/@nt:scores");
    assert.match(synthetic.text, /<xdat:bundle ID="@nt:scores"/);
    const results = JSON.parse((await client.get("data/search/saved/@nt:scores/results?format=json")).text).ResultSet;
    assert.equal(results.Result.length, Number(results.totalRecords));
    assert.ok(Number(results.totalRecords) >= 76);
    assert.equal((await client.fetchRaw("data/search/saved/bad", { method: "PUT", body: "<notasearch/>" })).status, 422);
    assert.equal((await client.fetchRaw("data/search/saved/bad", { method: "PUT", body: bundle("nt:nothing", ["nt:nothing/X"], []) })).status, 403);
  });
});

describe("xnat demo: /data/search/elements", () => {
  let client: DemoClient;
  before(async () => {
    client = await startClient();
  });
  after(() => client.demo.close());

  it("lists the searchable data types with counts", async () => {
    const body = await client.json("data/search/elements?format=json");
    assert.equal(body.ResultSet.title, "Data-Types");
    const nt = body.ResultSet.Result.find((row: any) => row.ELEMENT_NAME === "nt:scores");
    assert.deepEqual(Object.keys(nt), ["ELEMENT_NAME", "SINGULAR", "PLURAL", "SECURED", "COUNT"]);
    assert.equal(nt.SINGULAR, "NTScores");
    assert.ok(Number(nt.COUNT) >= 76);
  });

  it("lists nt:scores fields with header, description, type and schema path", async () => {
    const body = await client.json("data/search/elements/nt:scores?format=json");
    assert.equal(body.ResultSet.title, "Search Fields");
    const byId = new Map<string, any>(body.ResultSet.Result.map((row: any) => [row.FIELD_ID, row]));
    const a = byId.get("NEO_NEOFAC_A");
    assert.deepEqual(a, {
      FIELD_ID: "NEO_NEOFAC_A",
      HEADER: "NEOFAC_A",
      SUMMARY: "nt:scores/NEO/NEOFAC_A",
      TYPE: "integer",
      REQUIRES_VALUE: "false",
      DESC: "NEO Factor A (Agreeableness)",
      ELEMENT_NAME: "nt:scores",
      SRC: "0",
    }, "as XNAT's SearchFieldListResource writes a row: SUMMARY is the schema element");
    assert.equal(byId.get("SUBJECT_ID").DESC, "Subject Label");
    assert.equal(byId.get("EXPT_ID").DESC, "Experiment ID");
    for (const unlisted of ["PROJECTS", "LABEL"]) assert.ok(!byId.has(unlisted), `${unlisted} is not searchable in the display document, so real XNAT leaves it out`);
    const subjects = await client.json("data/search/elements/xnat:subjectData?format=json");
    const subjectIds = subjects.ResultSet.Result.map((row: any) => row.FIELD_ID);
    for (const unlisted of ["SUBJECT_ID", "SUBJECT_LABEL"]) assert.ok(!subjectIds.includes(unlisted), unlisted);
    for (const listed of ["PROJECTS", "GENDER_TEXT", "SUB_PROJECT_IDENTIFIER=HCP_Q1"]) assert.ok(subjectIds.includes(listed), listed);
    const sessions = (await client.json("data/search/elements/xnat:mrSessionData?format=json")).ResultSet.Result.map((row: any) => row.FIELD_ID);
    for (const unlisted of ["PROJECTS", "LABEL", "SCANNER"]) assert.ok(!sessions.includes(unlisted), unlisted);
    assert.equal(byId.get("ER40_ER40_CRT").TYPE, "float");
    assert.equal(byId.get("PROJECT_IDENTIFIER=HCP_Q1").SRC, "2");
    assert.equal(byId.get("PROJECT_IDENTIFIER=HCP_Q1").REQUIRES_VALUE, "false");
    assert.equal(byId.get("PROJECT_IDENTIFIER=HCP_Q1").SUMMARY, "Label within the HCP_Q1 project.");
    assert.equal(byId.get("PROJECT_IDENTIFIER=HCP_Q1").DESC, "Label within the HCP_Q1 project.");
    const csv = parseCsv((await client.get("data/search/elements/nt:scores?format=csv")).text);
    assert.deepEqual(csv[0], ["FIELD_ID", "HEADER", "SUMMARY", "TYPE", "REQUIRES_VALUE", "DESC", "ELEMENT_NAME", "SRC"]);
  });

  it("answers 400 for an unknown type with Restlet's default page, as real XNAT does (no representation of its own)", async () => {
    const reply = await client.get("data/search/elements/nt:nothing?format=json");
    assert.equal(reply.status, 400);
    assert.match(reply.text, /<h3>The request could not be understood by the server due to malformed syntax<\/h3>/);
  });

  it("accepts the unlisted fields as columns and criteria: PROJECTS and LABEL of experiments, SUBJECT_ID and SUBJECT_LABEL of subjects", async () => {
    const scores = await client.search(bundle("nt:scores", ["nt:scores/SUBJECT_ID", "nt:scores/LABEL", "nt:scores/PROJECTS"], [IN_Q1, ["nt:scores/LABEL", "=", "100307_NonToolbox"]]), "json");
    assert.equal(scores.status, 200);
    const row = JSON.parse(scores.text).ResultSet.Result[0];
    assert.deepEqual([row.label, row.projects], ["100307_NonToolbox", "<HCP_Subjects>,<HCP_Q1>,<HCP_Q2>"]);
    const subjects = await client.search(bundle("xnat:subjectData", ["xnat:subjectData/SUBJECT_ID", "xnat:subjectData/SUBJECT_LABEL", "xnat:subjectData/PROJECTS"], [["xnat:subjectData/SUBJECT_LABEL", "=", "100307"]]), "json");
    const subject = JSON.parse(subjects.text).ResultSet.Result;
    assert.equal(subject.length, 1);
    assert.deepEqual([subject[0].subject_id, subject[0].projects], ["ConnectomeDB_S00230", ",<HCP_Subjects>,<HCP_Q1>,<HCP_Q2>"], "subjects' PROJECTS starts with a comma, as the subject view renders it");
  });
});
