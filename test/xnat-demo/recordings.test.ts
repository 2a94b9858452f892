import { strict as assert } from "node:assert";
import { parseXml, type XmlElement } from "../../lib/xnat/xml.js";
import { toSearchDocument } from "../../lib/xnat/search-document.js";
import { toConstraintSet } from "../../lib/xnat/constraints.js";
import { fact, fixtureText } from "../helpers/replay.js";
import { parseCsv, startClient, type DemoClient } from "./helpers.js";

const keys = (value: object) => Object.keys(value).sort();
const allStrings = (rows: Record<string, unknown>[]) => rows.every((row) => Object.values(row).every((cell) => typeof cell === "string"));

/** The DisplayFields of a recorded stock display document: id → searchable="true"? */
function stockFields(file: string): Map<string, boolean> {
  const root = parseXml(fixtureText(file)).root;
  const fields = root.children.filter((node): node is XmlElement => node.kind === "element" && node.local === "DisplayField");
  return new Map(fields.map((field) => [field.attributes.id, field.attributes.searchable === "true"]));
}

/**
 * The demo ConnectomeDB against the recorded real XNAT answers, field by field, for the
 * shapes the client depends on: listing envelopes and columns, field listings, search
 * `Columns`, CSV cells and error statuses.
 */
describe("the demo ConnectomeDB answers in the shapes the recorded real XNAT answers", () => {
  let client: DemoClient;
  before(async () => {
    client = await startClient();
  });
  after(() => client.demo.close());

  it("a project's subject listing: the envelope's keys, each row's keys, string cells and totalRecords, and a shared subject naming its owning project", async () => {
    const real = JSON.parse(fixtureText("xnat/ohif-itcrdemo-subjects.json")).ResultSet;
    const demo = (await client.json("data/projects/HCP_Q1/subjects?format=json")).ResultSet;
    assert.deepEqual(keys(demo), keys(real));
    assert.deepEqual(keys(demo.Result[0]), keys(real.Result[0]));
    assert.equal(typeof demo.totalRecords, typeof real.totalRecords);
    assert.ok(allStrings(real.Result) && allStrings(demo.Result));
    assert.ok(real.Result.some((row: { project: string }) => row.project !== "ITCRdemo"), "the recording lists a subject owned elsewhere");
    assert.ok(demo.Result.every((row: { project: string }) => row.project === "HCP_Subjects"), "the demo's HCP_Q1 subjects are owned by HCP_Subjects and say so");
  });

  it("a subject's experiment listing: the same row keys, xnat:subjectassessordata/id holding the ID", async () => {
    for (const file of ["xnat/ohif-itcrdemo-shared-subject-experiments.json", "xnat/ohif-testviewer-experiments.json"]) {
      const real = JSON.parse(fixtureText(file)).ResultSet;
      const demo = (await client.json("data/projects/HCP_Q1/subjects/100307/experiments?format=json")).ResultSet;
      assert.deepEqual(keys(demo), keys(real), file);
      assert.deepEqual(keys(demo.Result[0]), keys(real.Result[0]), file);
      for (const rows of [real.Result, demo.Result]) for (const row of rows) assert.equal(row["xnat:subjectassessordata/id"], row.ID);
      assert.ok(allStrings(demo.Result));
    }
  });

  it("the data-type listing: the documented envelope (Result and title Data-Types, no totalRecords) and row keys", async () => {
    const real = JSON.parse(fixtureText("xnat/wiki-search-elements.json")).ResultSet;
    const demo = (await client.json("data/search/elements?format=json")).ResultSet;
    assert.deepEqual(keys(demo), keys(real));
    assert.equal(demo.title, real.title);
    assert.deepEqual(keys(demo.Result[0]), keys(real.Result[0]));
    assert.deepEqual(demo.Result.slice(0, 3).map((r: { ELEMENT_NAME: string }) => r.ELEMENT_NAME), real.Result.slice(0, 3).map((r: { ELEMENT_NAME: string }) => r.ELEMENT_NAME));
  });

  it("field listings: XNAT's columns, and a stock field is listed exactly when its display document marks it searchable", async () => {
    for (const [type, file] of [["xnat:mrSessionData", "xnat/display-mrSessionData.xml"], ["xnat:subjectData", "xnat/display-subjectData.xml"]] as const) {
      const stock = stockFields(file);
      const listing = (await client.json(`data/search/elements/${type}?format=json`)).ResultSet;
      assert.deepEqual(Object.keys(listing.Result[0]), ["FIELD_ID", "HEADER", "SUMMARY", "TYPE", "REQUIRES_VALUE", "DESC", "ELEMENT_NAME", "SRC"]);
      const listed = new Set(listing.Result.map((row: { FIELD_ID: string }) => row.FIELD_ID));
      const demoFields = [...listed, "PROJECTS", "LABEL", "SCANNER", "SUBJECT_ID", "SUBJECT_LABEL"] as string[];
      let compared = 0;
      for (const id of demoFields) {
        if (!stock.has(id) || id.includes("=")) continue;
        const accepted = (await client.search(toSearchDocument({ rootElement: type, columns: [{ elementName: type, fieldId: id }], where: toConstraintSet([[`${type}/${id}`, "LIKE", "%"]]) }))).status;
        if (accepted !== 200) continue;
        compared++;
        assert.equal(listed.has(id), stock.get(id), `${type}/${id}: listed by the demo ${listed.has(id)}, searchable in the stock document ${stock.get(id)}`);
      }
      assert.ok(compared >= 4, `${type}: ${compared} fields compared`);
    }
  });

  it("search Columns of fields joined from another type: XNAT's key, element_name, id, xPATH and type", async () => {
    const recorded = JSON.parse(fixtureText("xnat/nrg-mr_session_detailed_columns.json")) as Record<string, unknown>[];
    const ids = ["LABEL", "SCANNER"];
    const document = toSearchDocument({
      rootElement: "xnat:subjectData",
      columns: [{ elementName: "xnat:subjectData", fieldId: "SUBJECT_LABEL" }, ...ids.map((fieldId) => ({ elementName: "xnat:mrSessionData", fieldId }))],
      where: toConstraintSet([["xnat:subjectData/SUBJECT_LABEL", "=", "100307"]]),
    });
    const demo = JSON.parse((await client.search(document)).text).ResultSet.Columns as Record<string, unknown>[];
    for (const id of ids) {
      const real = recorded.find((c) => c.id === id)!;
      const ours = demo.find((c) => c.id === id)!;
      for (const property of ["key", "element_name", "id", "xPATH", "type"]) assert.equal(ours[property], real[property], `${id}.${property}`);
    }
  });

  it("search CSV: every header and text cell quoted, numbers bare, NULL empty, as the recorded result", async () => {
    const realLines = fixtureText("xnat/search-result-pyxnat-nose.csv").split("\n");
    assert.ok(realLines[0].split(",").every((cell) => /^".*"$/.test(cell)));
    assert.match(realLines[1], /^"000000029814","NOSE_000000029814",2009-06-08 09:13:28\.0,",<NOSE>","NOSE",2,/);
    const text = (await client.search(toSearchDocument({ rootElement: "xnat:subjectData", columns: ["SUBJECT_LABEL", "AGE", "PROJECTS"].map((fieldId) => ({ elementName: "xnat:subjectData", fieldId })), where: toConstraintSet([["xnat:subjectData/SUBJECT_LABEL", "=", "100307"]]) }), "csv")).text;
    const [header, row] = text.split("\n");
    assert.equal(header, '"subject_label","age","projects","quarantine_status"');
    assert.match(row, /^"100307",\d+,",<HCP_Subjects>,<HCP_Q1>,<HCP_Q2>","active"$/, "subjects' PROJECTS with the leading comma, as recorded");
    assert.deepEqual(parseCsv(text)[1].slice(0, 1), ["100307"]);
  });

  it("an unknown data type in the field listing: 400, as XNAT's SearchFieldListResource answers", async () => {
    const reply = await client.get("data/search/elements/foo:bar?format=json");
    assert.equal(reply.status, fact("xnat-unknown-type-400").response?.status);
  });
});
