import { strict as assert } from "node:assert";
import { UnexpectedContentError } from "../../lib/http/errors.js";
import type { FieldInfo } from "../../lib/xnat/index.js";
import { CookieJar } from "../../lib/xnat/cookies.js";
import { experimentPath, searchElementsPath, toUrl } from "../../lib/xnat/paths.js";
import { isSafeTransport } from "../../lib/http/url.js";
import { fromFieldListing, matchFields, suggestFields, toColumnType } from "../../lib/xnat/fields.js";
import { fromListingJson } from "../../lib/xnat/listing.js";
import { fromProjectList, splitByMembership, sqlLike } from "../../lib/xnat/membership.js";
import { toBaseUrl } from "../../lib/xnat/paths.js";
import { checkFields, expectedKey, toResultColumns } from "../../lib/xnat/search.js";

const FIELDS: FieldInfo[] = [
  { id: "SUBJECT_ID", header: "Subject", description: "Subject Label", type: "string", schemaPath: "nt:scores.subject_ID", dataType: "nt:scores", requiresValue: false },
  { id: "NEO_NEOFAC_A", header: "NEOFAC_A", description: "NEO Factor A (Agreeableness)", type: "integer", schemaPath: "nt:scores/NEO/NEOFAC_A", dataType: "nt:scores", requiresValue: false },
  { id: "NEO_NEOFAC_O", header: "NEOFAC_O", description: "NEO Factor O (Openness)", type: "integer", schemaPath: "nt:scores/NEO/NEOFAC_O", dataType: "nt:scores", requiresValue: false },
  { id: "CPW_IWRD_RTC", header: "IWRD_RTC", description: "Penn Word Memory: median reaction time", type: "float", schemaPath: "nt:scores/CPW/IWRD_RTC", dataType: "nt:scores", requiresValue: false },
];

describe("xnat listings, result columns, fields and membership (pure)", () => {
  it("parses the ResultSet envelope with string cells, preferred column order and metadata", () => {
    const text = JSON.stringify({ ResultSet: { totalRecords: "2", Result: [{ label: "100307", URI: "/x", ID: "S1", n: null }, { ID: "S2", label: "103515", URI: "/y", n: 5 }] } });
    const listing = fromListingJson(text, "data/projects/P/subjects", ["ID", "project", "label"]);
    assert.deepEqual(listing.columns, ["ID", "label", "URI", "n"]);
    assert.deepEqual(listing.rows[0], { label: "100307", URI: "/x", ID: "S1", n: "" });
    assert.equal(listing.rows[1].n, "5");
    assert.deepEqual(listing.meta, { totalRecords: "2" });
    assert.throws(() => fromListingJson("<html><body>Login</body></html>", "x"), UnexpectedContentError);
    assert.throws(() => fromListingJson('{"items": []}', "x"), UnexpectedContentError);
  });

  it("maps requested fields to result keys by Columns metadata, else by XNAT's naming rule", () => {
    const columns = [
      { elementName: "nt:scores", fieldId: "SUBJECT_ID" },
      { elementName: "nt:scores", fieldId: "NEO_NEOFAC_A" },
      { elementName: "xnat:subjectData", fieldId: "SUB_PROJECT_IDENTIFIER=HCP_Q1" },
    ];
    assert.equal(expectedKey(columns[1], "nt:scores"), "neo_neofac_a");
    assert.equal(expectedKey(columns[2], "nt:scores"), "xnat_subjectdata_sub_project_identifier_hcp_q1");
    const text = JSON.stringify({
      ResultSet: {
        Columns: [{ key: "neo_neofac_a", element_name: "nt:scores", id: "NEO_NEOFAC_A" }, { key: "subject_id", element_name: "nt:scores", id: "SUBJECT_ID" }, { key: "quarantine_status" }],
        Result: [{ subject_id: "S1", neo_neofac_a: "33", quarantine_status: "active" }],
      },
    });
    const types = new Map([["nt:scores/NEO_NEOFAC_A", "integer"]]);
    const result = toResultColumns(columns.slice(0, 2), "nt:scores", fromListingJson(text, "data/search"), types);
    assert.deepEqual(result, [
      { key: "neo_neofac_a", field: "nt:scores/NEO_NEOFAC_A", type: "integer" },
      { key: "subject_id", field: "nt:scores/SUBJECT_ID", type: "string" },
    ]);
    const missing = JSON.stringify({ ResultSet: { Result: [{ other: "1" }] } });
    assert.throws(() => toResultColumns(columns.slice(0, 1), "nt:scores", fromListingJson(missing, "data/search"), types), UnexpectedContentError);
  });

  it("maps XNAT field types to column types", () => {
    assert.deepEqual(["integer", "float", "double", "string", "date", "boolean", ""].map(toColumnType), ["integer", "number", "number", "string", "string", "boolean", "string"]);
  });

  it("reads field listings, taking the schema path from a path-like SUMMARY (where XNAT writes the schema element)", () => {
    const listing = fromListingJson(
      JSON.stringify({
        ResultSet: {
          Result: [
            { FIELD_ID: "NEO_NEOFAC_A", HEADER: "NEOFAC_A", SUMMARY: "nt:scores/NEO/NEOFAC_A", TYPE: "integer", REQUIRES_VALUE: "false", DESC: "NEO Factor A (Agreeableness)", ELEMENT_NAME: "nt:scores" },
            { FIELD_ID: "MR_SCAN_COUNT_AGG", HEADER: "Scans", SUMMARY: "(SELECT COUNT(*) FROM xnat_imagescandata)", TYPE: "string", REQUIRES_VALUE: "false", DESC: "Scans", ELEMENT_NAME: "xnat:mrSessionData" },
            { FIELD_ID: "INSERT_DATE", HEADER: "Inserted", SUMMARY: "xnat:projectData/meta/insert_date", TYPE: "date", REQUIRES_VALUE: "false", DESC: "", ELEMENT_NAME: "xnat:projectData" },
            { FIELD_ID: "PROJECT_IDENTIFIER=HCP_Q1", HEADER: "HCP_Q1", SUMMARY: "Label within the HCP_Q1 project.", TYPE: "string", REQUIRES_VALUE: "true", DESC: "", ELEMENT_NAME: "nt:scores" },
          ],
        },
      }),
      "x",
    );
    const fields = fromFieldListing(listing, "nt:scores");
    assert.deepEqual(fields.map((f) => f.schemaPath), ["nt:scores/NEO/NEOFAC_A", "", "xnat:projectData/meta/insert_date", ""]);
    assert.deepEqual(fields.map((f) => f.requiresValue), [false, false, false, true]);
  });

  it("finds fields by words and suggests close ids", () => {
    assert.deepEqual(matchFields(FIELDS, "agreeableness").map((f) => f.id), ["NEO_NEOFAC_A"]);
    assert.deepEqual(matchFields(FIELDS, "neo factor").map((f) => f.id), ["NEO_NEOFAC_A", "NEO_NEOFAC_O"]);
    assert.deepEqual(matchFields(FIELDS, "reaction word").map((f) => f.id), ["CPW_IWRD_RTC"]);
    assert.deepEqual(suggestFields(FIELDS, "NEO_NEOFAC_Z"), ["NEO_NEOFAC_A", "NEO_NEOFAC_O"]);
  });

  it("spells listed fields as the catalog does and passes unlisted ones through as written, with suggestions (never refusing them)", () => {
    const catalogs = new Map([["nt:scores", FIELDS]]);
    assert.deepEqual(checkFields(["nt:scores/neo_neofac_a", "nt:scores/NEO/NEOFAC_O", "nt:scores/SUBJECT_ID", "nt:scores/NEO/OTHER"], catalogs), {
      names: ["nt:scores/NEO_NEOFAC_A", "nt:scores/NEO_NEOFAC_O", "nt:scores/SUBJECT_ID", "nt:scores/NEO/OTHER"],
      unlisted: [{ name: "nt:scores/NEO/OTHER", dataType: "nt:scores", suggestions: [] }],
    });
    const withParameter = new Map([["nt:scores", [...FIELDS, { ...FIELDS[0], id: "PROJECT_IDENTIFIER=HCP_Q1", requiresValue: true }]]]);
    assert.deepEqual(checkFields(["nt:scores/PROJECT_IDENTIFIER=HCP_Q1", "nt:scores/PROJECT_IDENTIFIER=HCP_Q2"], withParameter).names, ["nt:scores/PROJECT_IDENTIFIER=HCP_Q1", "nt:scores/PROJECT_IDENTIFIER=HCP_Q2"]);
    const checked = checkFields(["nt:scores/PROJECTS", "nt:scores/NEO_NEOFAC_Z", "xnat:mrSessionData/LABEL"], catalogs);
    assert.deepEqual(checked.names, ["nt:scores/PROJECTS", "nt:scores/NEO_NEOFAC_Z", "xnat:mrSessionData/LABEL"], "sent as written: the server decides");
    assert.deepEqual(checked.unlisted.map((u) => [u.name, u.suggestions]), [
      ["nt:scores/PROJECTS", []],
      ["nt:scores/NEO_NEOFAC_Z", ["nt:scores/NEO_NEOFAC_A", "nt:scores/NEO_NEOFAC_O"]],
      ["xnat:mrSessionData/LABEL", []],
    ]);
  });

  it("splits PROJECTS lists and evaluates SQL LIKE as XNAT does", () => {
    assert.deepEqual(fromProjectList("<HCP_Subjects>,<HCP_Q1>,<HCP_Q2>"), ["HCP_Subjects", "HCP_Q1", "HCP_Q2"]);
    assert.deepEqual(fromProjectList("HCP_Subjects, HCP_Q1"), ["HCP_Subjects", "HCP_Q1"]);
    assert.ok(sqlLike("<HCP_Subjects>,<HCP_Q1b>", "%HCP_Q1%"));
    assert.ok(sqlLike("<HCP-Q1-MEG>", "%hcp_q1%"), "_ matches any character, case-insensitive");
    assert.ok(!sqlLike("<HCP_Q2>", "%HCP_Q1%"));
    const rows = ["<HCP_Subjects>,<HCP_Q1>", "<HCP_Subjects>,<HCP_Q1b>", "<HCP-Q1-MEG>", "<HCP_Q1>,<HCP_Q2>"];
    const split = splitByMembership(rows, (r) => r, "HCP_Q1");
    assert.deepEqual(split.members, ["<HCP_Subjects>,<HCP_Q1>", "<HCP_Q1>,<HCP_Q2>"]);
    assert.deepEqual(split.overMatched, ["<HCP_Subjects>,<HCP_Q1b>", "<HCP-Q1-MEG>"]);
    assert.ok(split.overMatched.every((r) => sqlLike(r, "%HCP_Q1%")));
  });

  it("builds URLs with encoded segments, keeping : in type names, and refuses credentials in URLs", () => {
    const base = toBaseUrl("https://db.example.org/xnat");
    assert.equal(base.href, "https://db.example.org/xnat/");
    assert.equal(toUrl(base, searchElementsPath("nt:scores"), { format: "json" }).href, "https://db.example.org/xnat/data/search/elements/nt:scores?format=json");
    assert.equal(experimentPath("HCP Q1", "a b", "c@d"), "data/projects/HCP%20Q1/subjects/a%20b/experiments/c@d");
    assert.throws(() => experimentPath("HCP_Q1", "a/b", "c"), /not a single path segment/);
    assert.throws(() => toBaseUrl("https://u:p@db.example.org/"), /contains a user name and a password/);
    assert.throws(() => toBaseUrl("ftp://db.example.org/"));
    assert.ok(isSafeTransport(new URL("http://127.0.0.1:8080/")) && isSafeTransport(new URL("http://localhost/")) && isSafeTransport(new URL("https://x.org/")));
    assert.ok(!isSafeTransport(new URL("http://x.org/")));
  });

  it("keeps cookies from Set-Cookie and drops expired ones", () => {
    const jar = new CookieJar();
    jar.update(["JSESSIONID=ABC123; Path=/; HttpOnly", "SESSION_EXPIRATION_TIME=\"1,900000\"; Path=/"]);
    assert.equal(jar.header(), 'JSESSIONID=ABC123; SESSION_EXPIRATION_TIME="1,900000"');
    jar.update(["JSESSIONID=; Max-Age=0; Path=/"]);
    assert.equal(jar.get("JSESSIONID"), undefined);
  });
});
