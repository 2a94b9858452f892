import { strict as assert } from "node:assert";
import { isHttpError } from "../../lib/http/errors.js";
import { startXnatDemo, type XnatDemo } from "../../demo/src/xnat/index.js";
import {
  ConstraintError,
  UnknownDataTypeError,
  UnknownFieldError,
  UnknownOperatorError,
  connect,
  experimentsTable,
  field,
  where,
  type XnatConnection,
} from "../../lib/xnat/index.js";

const Q1_LABELS = `100307 103515 103818 111312 114924 117122 118932 119833 120212 125525 128632 130013 137128
138231 142828 143325 144226 149337 150423 153429 156637 159239 161731 162329 167743 172332
182739 191437 192439 192540 194140 197550 199150 199251 200614 201111 210617 217429 249947
250427 255639 304020 307127 329440 499566 530635 559053 585862 638049 665254 672756 685058
729557 732243 792564 826353 856766 859671 861456 865363 877168 889579 894673 896778 896879
901139 917255 937160 131621 355542 611231 144428 230926 235128 707244 733548`.split(/\s+/);
const CPW_30_34 = `111312 114924 119833 125525 128632 137128 144226 162329 167743 192439 192540 199150 201111
210617 250427 255639 672756 685058 856766 894673 896778 901139 611231 230926 235128 707244`.split(/\s+/);
const CPW_OTHER = `100307 103515 103818 117122 118932 120212 130013 138231 142828 143325 149337 150423 153429 156637
159239 161731 172332 182739 191437 194140 197550 199251 200614 217429 249947 304020 307127 329440 499566 530635
559053 585862 638049 665254 729557 732243 792564 826353 859671 861456 865363 877168 889579 896879 917255 937160
131621 355542 144428 733548`.split(/\s+/);

const NEO = ["SUBJECT_ID", ..."AOCNE".split("").map((e) => `NEO_NEOFAC_${e}`)].map((f) => `nt:scores/${f}`);
const CPW_FIELDS = ["SUBJECT_ID", "CPW_IWRD_TOT", "CPW_IWRD_RTC"].map((f) => `nt:scores/${f}`);
const IN_Q1 = ["nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"];

describe("xnat client: the ConnectomeDB tutorial against the demo", function () {
  let demo: XnatDemo;
  let cdb: XnatConnection;

  before(async () => {
    demo = await startXnatDemo();
    cdb = await connect(demo.info.url, { user: demo.info.user, password: demo.info.password });
  });
  after(async () => {
    await cdb?.close();
    await demo?.close();
  });

  it("walks the hierarchy: projects, the 76 Q1 subjects in listing order, labels vs IDs, experiments", async () => {
    const projects = await cdb.projects();
    assert.ok((projects.column("ID").values as string[]).includes("HCP_Q1"));
    const q1 = cdb.project("HCP_Q1");
    const subjects = await q1.subjects();
    assert.deepEqual(subjects.column("label").values, Q1_LABELS);
    assert.equal(subjects.column("ID").dtype, "string");
    assert.equal(await q1.subject("100307").id(), "ConnectomeDB_S00230");
    assert.equal(await q1.subject("ConnectomeDB_S00231").label(), "103515");
    const experiments = await q1.subject("100307").experiments();
    assert.deepEqual(experiments.column("label").values, ["100307_3T", "100307_SubjMeta", "100307_NonToolbox"]);
  });

  it("resolves labels of many subjects with one listing request", async () => {
    const q1 = cdb.project("HCP_Q1");
    cdb.refresh();
    demo.resetStats();
    const labels = await Promise.all(["ConnectomeDB_S00230", "ConnectomeDB_S00231", "100307"].map((ref) => q1.subject(ref).label()));
    assert.deepEqual(labels, ["100307", "103515", "100307"]);
    assert.equal(demo.stats().listings, 1);
  });

  it("reads the experiment XML, the seed's xpath and the whole-document table", async () => {
    const nt = cdb.project("HCP_Q1").subject("100307").experiment("100307_NonToolbox");
    const xml = await nt.xml();
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(xml, /<nt:NTScores ID="ConnectomeDB_E00299" project="HCP_Subjects" label="100307_NonToolbox"/);
    assert.deepEqual(await nt.xpath("nt:ER40/nt:ER40_CR"), ["39"]);
    assert.deepEqual(await nt.xpath("xnat:sharing/xnat:share/@project"), ["HCP_Q1", "HCP_Q2"]);
    assert.deepEqual(await nt.xpath("xnat:subject_ID"), ["ConnectomeDB_S00230"]);
    assert.equal(await nt.id(), "ConnectomeDB_E00299");
    const rows = (await nt.fields()).filter((r) => r.group === "ER40");
    assert.deepEqual(rows.map((r) => `${r.field}=${r.text}`), ["ER40_CR=39", "ER40_CRT=1471.0", "ER40ANG=8", "ER40FEAR=8", "ER40HAP=8", "ER40NOE=8", "ER40SAD=7"]);
    const table = await nt.table();
    assert.equal(table.column("value").dtype, "float32");
  });

  it("pivots several experiments into the wide form", async () => {
    const q1 = cdb.project("HCP_Q1");
    const wide = await experimentsTable(["100307", "103515"].map((s) => q1.subject(s).experiment(`${s}_NonToolbox`)));
    assert.deepEqual(wide.column("experiment").values, ["100307_NonToolbox", "103515_NonToolbox"]);
    assert.deepEqual(wide.column("NEO/NEOFAC_A").values, [33, 19]);
    assert.equal(wide.column("@ID").dtype, "string");
  });

  it("discovers fields: agreeableness is NEO_NEOFAC_A, with its schema path", async () => {
    const found = await cdb.fieldList("nt:scores", { matching: "agreeableness" });
    assert.deepEqual(found.map((f) => [f.id, f.header, f.description, f.schemaPath]), [["NEO_NEOFAC_A", "NEOFAC_A", "NEO Factor A (Agreeableness)", "nt:scores/NEO/NEOFAC_A"]]);
    const frame = await cdb.fields("nt:scores");
    assert.deepEqual(frame.columns, ["id", "header", "description", "type", "schema_path", "data_type"]);
    assert.ok((frame.column("id").values as string[]).includes("CPW_IWRD_TOT"));
  });

  it("runs the seed's NEO search: 76 rows, pyxnat headers/items, a typed frame", async () => {
    const table = await cdb.select("nt:scores", NEO).where([IN_Q1]);
    assert.equal(table.length, 76);
    assert.equal(table.headers().length, 6);
    assert.deepEqual([...table.headers()].sort(), ["neo_neofac_a", "neo_neofac_c", "neo_neofac_e", "neo_neofac_n", "neo_neofac_o", "subject_id"]);
    const records = table.records();
    const pick = (row: Record<string, string>) => ["a", "c", "e", "n", "o"].map((k) => row[`neo_neofac_${k}`]).join(" ");
    assert.equal(records[0].subject_id, "ConnectomeDB_S00230");
    assert.equal(pick(records[0]), "33 24 35 15 37");
    assert.equal(records[1].subject_id, "ConnectomeDB_S00231");
    assert.equal(pick(records[1]), "19 27 32 25 25");
    assert.deepEqual(table.items()[0], table.headers().map((h) => records[0][h]));
    const q1 = cdb.project("HCP_Q1");
    const s143325 = await q1.subject("143325").id();
    assert.equal(pick(records.find((r) => r.subject_id === s143325)!), "28 25 32 25 15");
    const frame = table.frame;
    assert.equal(frame.column("subject_id").dtype, "string");
    const a = frame.column("neo_neofac_a");
    assert.ok(a.dtype === "int32" || a.dtype === "float32", a.dtype);
    const values = a.values as number[];
    records.forEach((row, i) => assert.ok(row.neo_neofac_a === "" ? Number.isNaN(values[i]) : values[i] === Number(row.neo_neofac_a)));
    assert.match(String(table), /^<SearchResult 76:6> subject_id,/);
  });

  it("finds agreeableness > 40 locally and server-side, with the builder too", async () => {
    const q1 = cdb.project("HCP_Q1");
    const labels = await q1.subjectLabels();
    const all = await cdb.select("nt:scores", NEO).where([IN_Q1]);
    const local = all.records().filter((r) => r.neo_neofac_a !== "" && Number(r.neo_neofac_a) > 40).map((r) => labels.get(r.subject_id));
    assert.deepEqual([...local].sort(), ["149337", "732243", "792564", "877168"]);
    const server = await cdb.select("nt:scores", NEO).where([IN_Q1, ["nt:scores/NEO_NEOFAC_A", ">", "40"], "AND"]);
    assert.deepEqual(server.column("subject_id").map((id) => labels.get(id)), ["149337", "732243", "792564", "877168"]);
    const built = await cdb.select("nt:scores", NEO).where(where.and(field("nt:scores/PROJECTS").like("%HCP_Q1%"), field("nt:scores/NEO_NEOFAC_A").gt(40)));
    assert.deepEqual(built.items(), server.items());
  });

  it("runs both CPW_IWRD_TOT searches with the seed's exact subject lists", async () => {
    const q1 = cdb.project("HCP_Q1");
    const labels = await q1.subjectLabels();
    const between = await cdb.select("nt:scores", CPW_FIELDS).where([IN_Q1, ["nt:scores/CPW_IWRD_TOT", ">=", "30"], ["nt:scores/CPW_IWRD_TOT", "<", "35"], "AND"]);
    assert.equal(between.length, 26);
    assert.deepEqual(between.column("subject_id").map((id) => labels.get(id)), CPW_30_34);
    const outside = await cdb.select("nt:scores", CPW_FIELDS).where([IN_Q1, [["nt:scores/CPW_IWRD_TOT", "<", "30"], ["nt:scores/CPW_IWRD_TOT", ">=", "35"], "OR"], "AND"]);
    assert.equal(outside.length, 50);
    assert.deepEqual(outside.column("subject_id").map((id) => labels.get(id)), CPW_OTHER);
    assert.equal(between.frame.column("cpw_iwrd_rtc").dtype, "float32");
  });

  it("adds subject labels to a project-scoped search with one listing request", async () => {
    const q1 = cdb.project("HCP_Q1");
    await q1.id();
    cdb.refresh();
    await q1.id();
    demo.resetStats();
    const result = await q1.select("nt:scores", NEO).where([["nt:scores/NEO_NEOFAC_A", ">", "40"]]);
    assert.deepEqual(result.column("subject_label"), ["149337", "732243", "792564", "877168"]);
    assert.equal(result.headers()[1], "subject_label");
    assert.ok(!result.headers().includes("projects"));
    const stats = demo.stats();
    assert.equal(stats.searches, 1);
    assert.ok(stats.listings <= 2, `listings ${stats.listings}`);
  });

  it("reports the rows that LIKE '%HCP_Q1%' over-matched (HCP_Q1b, and _ as a wildcard)", async () => {
    const q1 = cdb.project("HCP_Q1");
    const scores = await q1.select("nt:scores", NEO).where();
    assert.equal(scores.length, 76);
    const subjects = await q1.select("xnat:subjectData", ["SUBJECT_ID", "PROJECTS"]).where();
    assert.equal(subjects.length, 76);
    assert.ok(subjects.overMatched.length > 0, "the demo shares Q2 subjects into HCP_Q1b and HCP-Q1-MEG");
    assert.equal(subjects.likeMatched, 76 + subjects.overMatched.length);
    for (const projects of subjects.overMatched.column("projects")) assert.doesNotMatch(projects, /<HCP_Q1>/);
    const like = await cdb.select("xnat:subjectData", ["SUBJECT_ID"]).where([["xnat:subjectData/PROJECTS", "LIKE", "%HCP_Q1%"]]);
    assert.equal(like.length, subjects.likeMatched);
  });

  it("keeps XML-special characters in values inside the value", async () => {
    const exact = await cdb.select("nt:scores", NEO).where([["nt:scores/PROJECTS", "LIKE", "%<HCP_Q1>%"]]);
    assert.equal(exact.length, 76);
    const none = await cdb.select("nt:scores", NEO).where([["nt:scores/SUBJECT_ID", "=", `x</xdat:value><a&b "c" 'd'>`]]);
    assert.equal(none.length, 0);
    assert.deepEqual([...none.headers()].sort(), [...exact.headers()].sort());
  });

  it("rejects unknown data types, operators and malformed constraints before searching", async () => {
    demo.resetStats();
    await assert.rejects(cdb.select("nt:nope", ["SUBJECT_ID"]).where([["nt:nope/PROJECTS", "LIKE", "%"]]), (e: unknown) => e instanceof UnknownDataTypeError && e.status === 400);
    await assert.rejects(cdb.select("nt:scores", NEO).where([[IN_Q1[0], "CONTAINS", "Q1"]]), UnknownOperatorError);
    await assert.rejects(cdb.select("nt:scores", NEO).where([IN_Q1, [["nt:scores/CPW_IWRD_TOT", "<"], "OR"], "AND"]), (e: unknown) => e instanceof ConstraintError && e.where === "constraints[1][0]");
    await assert.rejects(cdb.select("nt:scores", NEO).where([["nt:scores/NEO_NEOFAC_A", ">", "forty"]]), (e: unknown) => e instanceof ConstraintError && /not a number/.test(e.message));
    assert.equal(demo.stats().searches, 0, "nothing was searched");
  });

  it("sends fields the field list leaves out (PROJECTS, LABEL, SUBJECT_ID of subjects) and names them in unlistedFields", async () => {
    const listed = (await cdb.fieldList("nt:scores")).map((f) => f.id);
    assert.ok(!listed.includes("PROJECTS") && !listed.includes("LABEL"), "the demo lists fields as real XNAT does");
    const labelled = await cdb.select("nt:scores", ["SUBJECT_ID", "LABEL"]).where([IN_Q1, ["nt:scores/LABEL", "=", "100307_NonToolbox"], "AND"]);
    assert.deepEqual(labelled.items(), [["ConnectomeDB_S00230", "100307_NonToolbox"]]);
    assert.deepEqual([...labelled.unlistedFields].sort(), ["nt:scores/LABEL", "nt:scores/PROJECTS"]);
    const subjects = await cdb.select("xnat:subjectData", ["SUBJECT_ID", "SUBJECT_LABEL", "GENDER_TEXT"]).where([["xnat:subjectData/SUBJECT_LABEL", "=", "100307"]]);
    assert.deepEqual(subjects.headers(), ["subject_id", "subject_label", "gender_text"]);
    assert.equal(subjects.length, 1);
  });

  it("an unknown field surfaces from the server's own answer as UnknownFieldError with suggestions: a dropped column, or a refused criterion confirmed by one probe", async () => {
    demo.resetStats();
    await assert.rejects(cdb.select("nt:scores", ["SUBJECT_ID", "NEO_NEOFAC_Z"]).where([IN_Q1]), (e: unknown) => {
      assert.ok(e instanceof UnknownFieldError, String(e));
      assert.equal(e.field, "nt:scores/NEO_NEOFAC_Z");
      assert.equal(e.reason, "dropped-column");
      assert.ok(e.suggestions.includes("nt:scores/NEO_NEOFAC_A"), e.message);
      return true;
    });
    assert.equal(demo.stats().searches, 1, "the search reached the server, which left the column out");
    demo.resetStats();
    await assert.rejects(cdb.select("nt:scores", NEO).where([IN_Q1, ["nt:scores/AGREEABLENESS", ">", "40"], "AND"]), (e: unknown) => e instanceof UnknownFieldError && e.reason === "refused-criterion" && e.field === "nt:scores/AGREEABLENESS" && isHttpError(e.cause) && e.cause.status === 500);
    assert.equal(demo.stats().searches, 1, "the refused search and the probe: only the probe ran");
  });

  it("a search the server refuses for another reason keeps its HttpError, even with unlisted fields in it", async () => {
    await assert.rejects(cdb.select("nt:scores", ["SUBJECT_ID"]).where([["nt:scores/PROJECTS", "LIKE", "x'; DROP TABLE x; --"]]), (e: unknown) => isHttpError(e) && e.status === 500);
  });
});
