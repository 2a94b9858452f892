import { strict as assert } from "node:assert";
import { XMLParser } from "fast-xml-parser";
import { Q1_LABELS } from "../../demo/src/xnat/facts.js";
import { DemoClient, parseCsv, startClient } from "./helpers.js";

describe("xnat demo: listings", () => {
  let client: DemoClient;
  before(async () => {
    client = await startClient();
  });
  after(() => client.demo.close());

  it("lists projects in the ResultSet envelope with string totalRecords and the default columns", async () => {
    const body = await client.json("data/projects?format=json");
    assert.deepEqual(Object.keys(body), ["ResultSet"]);
    assert.equal(body.ResultSet.totalRecords, "5");
    const ids = body.ResultSet.Result.map((row: any) => row.ID);
    assert.ok(ids.includes("HCP_Q1") && ids.includes("HCP_Q2") && ids.includes("HCP_Subjects"));
    assert.deepEqual(Object.keys(body.ResultSet.Result[0]), ["ID", "secondary_ID", "name", "description", "pi_firstname", "pi_lastname", "URI"]);
    const q1 = body.ResultSet.Result.find((row: any) => row.ID === "HCP_Q1");
    assert.equal(q1.URI, "/data/projects/HCP_Q1");
  });

  it("lists HCP_Q1's 76 subjects in the tutorial's order, as JSON, CSV and XML", async () => {
    const json = await client.json("data/projects/HCP_Q1/subjects?format=json");
    assert.equal(json.ResultSet.totalRecords, "76");
    assert.deepEqual(Object.keys(json.ResultSet.Result[0]), ["ID", "project", "label", "insert_date", "insert_user", "URI"]);
    assert.deepEqual(json.ResultSet.Result.map((row: any) => row.label), Q1_LABELS);
    assert.equal(json.ResultSet.Result[0].ID, "ConnectomeDB_S00230");
    assert.equal(json.ResultSet.Result[1].ID, "ConnectomeDB_S00231");
    assert.equal(json.ResultSet.Result[0].project, "HCP_Subjects", "a shared subject reports its owning project, as real XNAT does");
    assert.equal(json.ResultSet.Result[0].URI, "/data/subjects/ConnectomeDB_S00230");
    const ids = json.ResultSet.Result.map((row: any) => row.ID);
    assert.deepEqual([...ids].sort(), ids, "listing order is ID order");

    const csv = await client.get("data/projects/HCP_Q1/subjects?format=csv&columns=ID,label");
    assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
    const rows = parseCsv(csv.text);
    assert.deepEqual(rows[0], ["ID", "label", "URI"]);
    assert.deepEqual(rows.slice(1).map((row) => row[1]), Q1_LABELS);

    const xml = await client.get("data/projects/HCP_Q1/subjects?format=xml&columns=label");
    const parsed = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml.text);
    assert.equal(parsed.ResultSet["@_totalRecords"], "76");
    assert.deepEqual(parsed.ResultSet.results.columns.column, ["label", "URI"]);
    assert.equal(parsed.ResultSet.results.rows.row[0].cell[0], "100307");
  });

  it("ignores unknown columns= keys (pyxnat's xsiType on subjects) and keeps the requested order", async () => {
    const csv = parseCsv((await client.get("data/projects/HCP_Q1/subjects?format=csv&columns=label,ID,xsiType,nonsense")).text);
    assert.deepEqual(csv[0], ["label", "ID", "URI"]);
  });

  it("lists a subject's three experiments by label within the project, with xsiType", async () => {
    const body = await client.json("data/projects/HCP_Q1/subjects/100307/experiments?format=json");
    const rows = body.ResultSet.Result;
    assert.deepEqual(rows.map((row: any) => row.label), ["100307_3T", "100307_SubjMeta", "100307_NonToolbox"]);
    assert.deepEqual(rows.map((row: any) => row.xsiType), ["xnat:mrSessionData", "hcp:subjectMetaData", "nt:scores"]);
    assert.deepEqual(Object.keys(rows[0]), ["ID", "project", "xnat:subjectassessordata/id", "date", "xsiType", "label", "insert_date", "URI"], "real listings carry the root element's ID column too");
    assert.equal(rows[2].ID, "ConnectomeDB_E00299");
    assert.equal(rows[2]["xnat:subjectassessordata/id"], "ConnectomeDB_E00299");
    assert.equal(rows[2].project, "HCP_Q1", "an experiment listed in a sharing project reports that project, as XNAT's ProjSubExptList does");
    const typed = await client.json("data/projects/HCP_Q1/subjects/100307/experiments?format=json&xsiType=nt:scores");
    assert.equal(typed.ResultSet.Result[0]["nt:scores/id"], "ConnectomeDB_E00299", "with xsiType the root is that type");
    const siteWide = await client.json("data/experiments?format=json&ID=ConnectomeDB_E00299");
    assert.ok(!("xnat:subjectassessordata/id" in siteWide.ResultSet.Result[0]), "site-wide listings have no such column (none recorded)");
    assert.equal(rows[2].date, "");
    const byId = await client.json("data/projects/HCP_Q1/subjects/ConnectomeDB_S00230/experiments?format=json");
    assert.equal(byId.ResultSet.totalRecords, "3");
  });

  it("narrows experiment listings with one xsiType, ignores a comma list, and adds subject columns site-wide", async () => {
    const one = await client.json("data/projects/HCP_Q1/subjects/100307/experiments?format=json&columns=ID,label&xsiType=nt:scores");
    assert.deepEqual(one.ResultSet.Result.map((row: any) => row.label), ["100307_NonToolbox"]);
    const list = await client.json("data/projects/HCP_Q1/subjects/100307/experiments?format=json&columns=ID,label&xsiType=nt:scores,xnat:mrSessionData");
    assert.equal(list.ResultSet.totalRecords, "3");
    const site = await client.json("data/experiments?format=json&xsiType=nt:scores&project=HCP_Q1");
    assert.equal(site.ResultSet.totalRecords, "76");
    assert.deepEqual(Object.keys(site.ResultSet.Result[0]), ["ID", "project", "date", "xsiType", "label", "insert_date", "subject_ID", "subject_label", "URI"]);
  });

  it("reads XML-path columns through the type's fields", async () => {
    const body = await client.json("data/projects/HCP_Q1/experiments?format=json&xsiType=nt:scores&columns=ID,label,nt:scores/NEO/NEOFAC_A,xnat:subjectData/label");
    const row = body.ResultSet.Result.find((item: any) => item.label === "100307_NonToolbox");
    assert.equal(row["nt:scores/neo/neofac_a"], "33");
    assert.equal(row["xnat:subjectdata/label"], "100307");
  });

  it("filters by shortcut columns (comma = OR, * = LIKE, numeric ranges) and by project membership", async () => {
    const like = await client.json("data/projects/HCP_Q1/subjects?format=json&columns=label&label=1003*,103515");
    assert.deepEqual(like.ResultSet.Result.map((row: any) => row.label), ["100307", "103515"]);
    const all = await client.json("data/subjects?format=json&columns=ID&project=HCP_Q1");
    assert.equal(all.ResultSet.totalRecords, "76");
    const ages = await client.json("data/projects/HCP_Q1/subjects?format=json&columns=label,age&age=22-25");
    assert.ok(ages.ResultSet.Result.length > 0);
    for (const row of ages.ResultSet.Result) assert.ok(Number(row.age) >= 22 && Number(row.age) <= 25);
  });

  it("pages with limit/offset (dropping totalRecords) and sorts with sortBy/sortOrder", async () => {
    const page = await client.json("data/projects/HCP_Q1/subjects?format=json&columns=label&limit=10&offset=5");
    assert.equal(page.ResultSet.totalRecords, undefined);
    assert.deepEqual(page.ResultSet.Result.map((row: any) => row.label), Q1_LABELS.slice(5, 15));
    const sorted = await client.json("data/projects/HCP_Q1/subjects?format=json&columns=label&sortBy=label&sortOrder=DESC");
    assert.equal(sorted.ResultSet.Result[0].label, "937160");
    const bad = await client.get("data/projects/HCP_Q1/subjects?format=json&limit=ten");
    assert.equal(bad.status, 400);
    assert.match(bad.text, /limit must be a non-negative integer/);
  });

  it("answers 404 in XNAT's style for unknown projects, subjects and experiments", async () => {
    const project = await client.get("data/projects/NOPE/subjects?format=json");
    assert.equal(project.status, 404);
    assert.match(project.text, /<h3>Unable to identify project NOPE<\/h3>/);
    assert.equal((await client.get("data/projects/NOPE?format=xml")).status, 404);
    const subject = await client.get("data/projects/HCP_Q1/subjects/999999/experiments?format=json");
    assert.equal(subject.status, 404);
    assert.match(subject.text, /Unable to identify subject 999999/);
    assert.equal((await client.get("data/projects/HCP_Q1/subjects/100307/experiments/100307_MEG?format=xml")).status, 404);
    assert.equal((await client.get("data/experiments/ConnectomeDB_E99999?format=xml")).status, 404);
    assert.equal((await client.get("data/nothing-here")).status, 404);
  });

  it("resolves site-wide IDs only on /data/subjects and /data/experiments, labels within projects", async () => {
    assert.equal((await client.get("data/subjects/ConnectomeDB_S00230?format=xml")).status, 200);
    assert.equal((await client.get("data/subjects/100307?format=xml")).status, 404);
    assert.equal((await client.get("data/projects/HCP_Q1/subjects/100307?format=xml")).status, 200);
    assert.equal((await client.get("data/projects/HCP_Q1/subjects/ConnectomeDB_S00230?format=xml")).status, 200);
    assert.equal((await client.get("data/experiments/ConnectomeDB_E00299?format=xml")).status, 200);
    assert.equal((await client.get("data/experiments/100307_NonToolbox?format=xml")).status, 404);
    assert.equal((await client.get("data/projects/HCP_Q1/experiments/100307_NonToolbox?format=xml")).status, 200);
    assert.equal((await client.get("data/projects/HCP_Q1b/subjects/100307?format=xml")).status, 404, "100307 is not in the trap project");
  });

  it("uses a project's own labels in scoped listings and lookups (HCP_Q1b labels retests <label>_R)", async () => {
    const scoped = await client.json("data/projects/HCP_Q1b/subjects?format=json&columns=ID,label,project");
    assert.ok(scoped.ResultSet.Result.length > 0);
    const first = scoped.ResultSet.Result[0];
    assert.match(first.label, /^\d{6}_R$/);
    assert.equal(first.project, "HCP_Subjects", "the label is the project's own, the project the owner's");
    const owner = await client.json(`data/subjects?format=json&columns=ID,label,project&ID=${first.ID}`);
    assert.equal(owner.ResultSet.Result[0].label, first.label.replace(/_R$/, ""));
    assert.equal(owner.ResultSet.Result[0].project, "HCP_Subjects");
    const byLabel = await client.get(`data/projects/HCP_Q1b/subjects/${first.label}?format=xml`);
    assert.match(byLabel.text, new RegExp(`<xnat:Subject ID="${first.ID}" project="HCP_Subjects" group="control" label="${first.label.replace(/_R$/, "")}"`));
    const experiments = await client.json(`data/projects/HCP_Q1b/subjects/${first.label}/experiments?format=json&columns=label`);
    assert.deepEqual(experiments.ResultSet.Result.map((row: any) => row.label), [`${first.label}_3T`, `${first.label}_SubjMeta`]);
    assert.equal((await client.get(`data/projects/HCP_Q1b/experiments/${first.label}_3T?format=xml`)).status, 200);
  });

  it("lists an MR session's scans and serves each scan", async () => {
    const body = await client.json("data/projects/HCP_Q1/subjects/100307/experiments/100307_3T/scans?format=json");
    assert.equal(body.ResultSet.totalRecords, "11");
    assert.deepEqual(Object.keys(body.ResultSet.Result[0]), ["xnat_imagescandata_id", "ID", "type", "quality", "xsiType", "note", "series_description", "URI"]);
    const motor = body.ResultSet.Result.find((row: any) => row.type === "tfMRI_MOTOR_LR");
    assert.equal(motor.URI, "/data/experiments/ConnectomeDB_E00297/scans/9");
    const scan = await client.get("data/experiments/ConnectomeDB_E00297/scans/9?format=xml");
    assert.match(scan.text, /<xnat:MRScan ID="9" type="tfMRI_MOTOR_LR"/);
    assert.match(scan.text, /<xnat:frames>284<\/xnat:frames>/);
    const none = await client.json("data/experiments/ConnectomeDB_E00299/scans?format=json");
    assert.equal(none.ResultSet.totalRecords, "0");
    assert.equal((await client.get("data/experiments/ConnectomeDB_E00297/scans/99?format=xml")).status, 404);
  });

  it("serves the same routes under /REST and /data/archive", async () => {
    const rest = await client.json("REST/projects/HCP_Q1/subjects?format=json&columns=ID");
    const archive = await client.json("data/archive/projects/HCP_Q1/subjects?format=json&columns=ID");
    assert.equal(rest.ResultSet.totalRecords, "76");
    assert.deepEqual(rest, archive);
  });

  it("refuses writes on the read-only archive with 405", async () => {
    assert.equal((await client.fetchRaw("data/projects/HCP_Q1", { method: "PUT" })).status, 405);
    assert.equal((await client.fetchRaw("data/projects/HCP_Q1/subjects/100307", { method: "DELETE" })).status, 405);
  });
});
