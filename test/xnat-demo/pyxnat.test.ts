import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { HIGH_AGREEABLENESS, IWRD_30_TO_34, Q1_LABELS } from "../../demo/src/xnat/facts.js";
import { startXnatDemo, XnatDemo } from "../../demo/src/xnat/index.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = path.join(__dirname, "pyxnat_tutorial.py");

describe("xnat demo: the real pyxnat client runs the tutorial unchanged", function () {
  this.timeout(180_000);
  let demo: XnatDemo;
  let out: any;
  before(async () => {
    demo = await startXnatDemo();
    const server = demo.info.url.replace(/\/$/, "");
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, server, demo.info.user, demo.info.password], { maxBuffer: 16 << 20, timeout: 170_000 });
    out = JSON.parse(stdout);
  });
  after(() => demo.close());

  it("lists the projects, HCP_Q1's subject labels and IDs", () => {
    assert.ok(out.projects.includes("HCP_Q1"));
    assert.deepEqual(out.q1_labels, Q1_LABELS);
    assert.equal(out.q1_ids[0], "ConnectomeDB_S00230");
    assert.equal(out.q1_ids[1], "ConnectomeDB_S00231");
    assert.equal(out.label_of_S00230, "100307");
    assert.equal(out.id_of_100307, "ConnectomeDB_S00230");
  });

  it("lists 100307's three experiments by label", () => {
    assert.deepEqual(out.experiments_100307, ["100307_3T", "100307_SubjMeta", "100307_NonToolbox"]);
    assert.deepEqual(out.scans_3T, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]);
    assert.equal(out.scan_9_type, "tfMRI_MOTOR_LR");
  });

  it("gets the experiment XML the tutorial walks through", () => {
    assert.equal(out.xml_first_line, '<?xml version="1.0" encoding="UTF-8"?>');
    assert.equal(out.root_tag, "{http://nrg.wustl.edu/nt}NTScores");
    assert.deepEqual(out.root_attrib, { ID: "ConnectomeDB_E00299", project: "HCP_Subjects", label: "100307_NonToolbox" });
    assert.deepEqual(out.shares, [
      { label: "100307_NonToolbox", project: "HCP_Q1" },
      { label: "100307_NonToolbox", project: "HCP_Q2" },
    ]);
    assert.equal(out.subject_id, "ConnectomeDB_S00230");
    const nt = "{http://nrg.wustl.edu/nt}";
    assert.deepEqual(out.er40, [
      [`${nt}ER40_CR`, "39"],
      [`${nt}ER40_CRT`, "1471.0"],
      [`${nt}ER40ANG`, "8"],
      [`${nt}ER40FEAR`, "8"],
      [`${nt}ER40HAP`, "8"],
      [`${nt}ER40NOE`, "8"],
      [`${nt}ER40SAD`, "7"],
    ]);
    assert.equal(out.xpath_er40_cr, "39");
  });

  it("runs the NEO search: a 76x6 JsonTable with the seed's values", () => {
    assert.equal(out.neo_len, 76);
    assert.match(out.neo_repr, /^<JsonTable 76:6> subject_id,neo_neofac_a \.\.\. /);
    assert.deepEqual(out.neo_headers, ["subject_id", "neo_neofac_a", "neo_neofac_o", "neo_neofac_c", "neo_neofac_n", "neo_neofac_e"]);
    assert.deepEqual(out.neo_first_items, [
      ["ConnectomeDB_S00230", "33", "37", "24", "15", "35"],
      ["ConnectomeDB_S00231", "19", "25", "27", "25", "32"],
    ]);
    assert.deepEqual(out.neo_143325, { neo_neofac_a: "28", neo_neofac_c: "25", neo_neofac_e: "32", neo_neofac_n: "25", neo_neofac_o: "15" });
    assert.deepEqual(out.high_a_local, [...HIGH_AGREEABLENESS].sort());
    assert.ok(out.missing_neo_a.length >= 1, "the local filter meets empty scores");
  });

  it("runs the server-side searches with the seed's exact subject lists", () => {
    assert.deepEqual(out.high_a_server, ["149337", "732243", "792564", "877168"]);
    assert.equal(out.cpw_in_len, 26);
    assert.deepEqual(out.cpw_in, IWRD_30_TO_34);
    assert.equal(out.cpw_out_len, 50);
    assert.deepEqual(out.cpw_out, Q1_LABELS.filter((label) => !IWRD_30_TO_34.includes(label)));
  });

  it("discovers the search fields and data types through pyxnat's inspect", () => {
    assert.deepEqual(out.nt_fields_sample, ["nt:scores/NEO_NEOFAC_A", "nt:scores/NEO_NEOFAC_O", "nt:scores/NEO_NEOFAC_C", "nt:scores/NEO_NEOFAC_N", "nt:scores/NEO_NEOFAC_E"]);
    assert.deepEqual(out.datatypes, ["nt:scores"]);
  });

  it("saves, lists, runs, reads back and deletes a stored search (manage.search)", () => {
    assert.deepEqual(out.saved, ["high_agreeableness"]);
    const ids = HIGH_AGREEABLENESS.map((label) => `ConnectomeDB_S${String(230 + Q1_LABELS.indexOf(label)).padStart(5, "0")}`);
    assert.deepEqual(out.saved_results, ids.sort());
    assert.equal(out.saved_query.row, "nt:scores");
    assert.deepEqual(out.saved_query.columns, ["nt:scores/SUBJECT_ID", "nt:scores/NEO_NEOFAC_A"]);
    assert.deepEqual(out.saved_after_delete, []);
  });

  it("keeps working after its session ended, because pyxnat resends Basic credentials", () => {
    assert.deepEqual(out.projects_after_disconnect, out.projects);
    assert.ok(demo.stats().logins >= 2);
  });

  it("shows pyxnat's silent failure on a wrong password (an empty list), which the TypeScript client must not copy", () => {
    assert.deepEqual(out.wrong_password_projects, []);
    assert.ok(demo.stats().failedLogins >= 1);
  });
});
