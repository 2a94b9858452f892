import { strict as assert } from "node:assert";
import { XMLParser } from "fast-xml-parser";
import { DemoClient, startClient } from "./helpers.js";

const NAMESPACES: Record<string, string> = {
  arc: "http://nrg.wustl.edu/arc",
  val: "http://nrg.wustl.edu/val",
  pipe: "http://nrg.wustl.edu/pipe",
  hcp: "http://nrg.wustl.edu/hcp",
  wrk: "http://nrg.wustl.edu/workflow",
  scr: "http://nrg.wustl.edu/scr",
  xdat: "http://nrg.wustl.edu/security",
  nt: "http://nrg.wustl.edu/nt",
  cat: "http://nrg.wustl.edu/catalog",
  prov: "http://www.nbirn.net/prov",
  xnat: "http://nrg.wustl.edu/xnat",
  xnat_a: "http://nrg.wustl.edu/xnat_assessments",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
};

describe("xnat demo: item documents", () => {
  let client: DemoClient;
  before(async () => {
    client = await startClient();
  });
  after(() => client.demo.close());

  it("serves 100307_NonToolbox as nt:NTScores owned by HCP_Subjects, shared into HCP_Q1 and HCP_Q2", async () => {
    const reply = await client.get("data/projects/HCP_Q1/subjects/100307/experiments/100307_NonToolbox?format=xml");
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get("content-type") ?? "", /^text\/xml/);
    const lines = reply.text.split("\n");
    assert.equal(lines[0], '<?xml version="1.0" encoding="UTF-8"?>');
    assert.match(lines[1], /^<nt:NTScores ID="ConnectomeDB_E00299" project="HCP_Subjects" label="100307_NonToolbox" xmlns:arc=/);
    const declared = [...lines[1].matchAll(/xmlns:(\w+)="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(declared, Object.entries(NAMESPACES), "every prefix, in ConnectomeDB's order");
    assert.match(lines[1], new RegExp(`xsi:schemaLocation="http://nrg.wustl.edu/arc ${client.url}schemas/project/project.xsd `));

    const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false, preserveOrder: true }).parse(reply.text);
    const root = doc.find((node: any) => node["nt:NTScores"]);
    const children = root["nt:NTScores"].map((node: any) => Object.keys(node).find((key) => key !== ":@"));
    assert.deepEqual(children.slice(0, 4), ["xnat:sharing", "xnat:subject_ID", "nt:ER40", "nt:NEO"]);
    const shares = root["nt:NTScores"][0]["xnat:sharing"].map((node: any) => node[":@"]);
    assert.deepEqual(shares, [
      { "@_label": "100307_NonToolbox", "@_project": "HCP_Q1" },
      { "@_label": "100307_NonToolbox", "@_project": "HCP_Q2" },
    ]);
    assert.equal(root["nt:NTScores"][1]["xnat:subject_ID"][0]["#text"], "ConnectomeDB_S00230");
    const er40 = root["nt:NTScores"][2]["nt:ER40"].map((node: any) => {
      const key = Object.keys(node)[0];
      return [key, node[key][0]["#text"]];
    });
    assert.deepEqual(er40, [
      ["nt:ER40_CR", "39"],
      ["nt:ER40_CRT", "1471.0"],
      ["nt:ER40ANG", "8"],
      ["nt:ER40FEAR", "8"],
      ["nt:ER40HAP", "8"],
      ["nt:ER40NOE", "8"],
      ["nt:ER40SAD", "7"],
    ]);
  });

  it("serves the same document by site-wide ID and through HCP_Q2, always naming the primary project", async () => {
    const viaQ1 = (await client.get("data/projects/HCP_Q1/subjects/100307/experiments/100307_NonToolbox?format=xml")).text;
    const byId = (await client.get("data/experiments/ConnectomeDB_E00299?format=xml")).text;
    const viaQ2 = (await client.get("data/projects/HCP_Q2/experiments/100307_NonToolbox?format=xml")).text;
    assert.equal(byId, viaQ1);
    assert.equal(viaQ2, viaQ1);
  });

  it("serves item JSON with native numbers", async () => {
    const body = await client.json("data/experiments/ConnectomeDB_E00299?format=json");
    const item = body.items[0];
    assert.equal(item.meta["xsi:type"], "nt:scores");
    assert.equal(item.meta.isHistory, false);
    assert.equal(item.data_fields.ID, "ConnectomeDB_E00299");
    assert.equal(item.data_fields["ER40/ER40_CRT"], 1471);
    assert.equal(item.data_fields["NEO/NEOFAC_A"], 33);
    assert.deepEqual(item.children[0].items.map((share: any) => share.data_fields.project), ["HCP_Q1", "HCP_Q2"]);
  });

  it("serves the MR session, subject-metadata, subject and project documents", async () => {
    const mr = (await client.get("data/projects/HCP_Q1/subjects/100307/experiments/100307_3T?format=xml")).text;
    assert.match(mr, /^<xnat:MRSession ID="ConnectomeDB_E00297" project="HCP_Subjects" label="100307_3T"/m);
    assert.match(mr, /<xnat:scan ID="9" type="tfMRI_MOTOR_LR" xsi:type="xnat:mrScanData">/);
    const meta = (await client.get("data/experiments/ConnectomeDB_E00298?format=xml")).text;
    assert.match(meta, /^<hcp:SubjectMetaData ID="ConnectomeDB_E00298"/m);
    const subject = (await client.get("data/projects/HCP_Q1/subjects/100307?format=xml")).text;
    assert.match(subject, /^<xnat:Subject ID="ConnectomeDB_S00230" project="HCP_Subjects" group="control" label="100307"/m);
    assert.match(subject, /<xnat:share label="100307" project="HCP_Q1" subject_ID="ConnectomeDB_S00230"\/>/);
    const project = (await client.get("data/projects/HCP_Q1?format=xml")).text;
    assert.match(project, /^<xnat:Project ID="HCP_Q1"/m);
    for (const text of [mr, meta, subject, project]) {
      assert.doesNotThrow(() => new XMLParser().parse(text, true));
    }
  });

  it("omits missing score groups rather than writing empty elements", async () => {
    const body = await client.json("data/projects/HCP_Q1/experiments?format=json&xsiType=nt:scores&columns=ID,label,nt:scores/NEO/NEOFAC_A");
    const missing = body.ResultSet.Result.filter((row: any) => row["nt:scores/neo/neofac_a"] === "");
    assert.ok(missing.length >= 2, "some HCP_Q1 subjects lack NEO scores");
    const xml = (await client.get(`data/experiments/${missing[0].ID}?format=xml`)).text;
    assert.ok(!/<nt:NEOFAC_A>/.test(xml));
    assert.ok(!/<nt:[A-Za-z0-9_]+\/>|<nt:[A-Za-z0-9_]+><\/nt:/.test(xml), "no empty score elements");
  });

  it("serves the nt:scores display document with ids, headers, schema elements and descriptions", async () => {
    const reply = await client.get("schemas/nt/display/nt_scores_display.xml");
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<Displays [^>]*schema-element="nt:scores" full-description="NTScores" brief-description="NTScores">/);
    assert.match(reply.text, /<CommonField id="PART_ID" local-field="SUBJECT_ID"\/>/);
    assert.match(reply.text, /<DisplayField id="NEO_NEOFAC_A" header="NEOFAC_A" visible="true" searchable="true" data-type="integer">\s*<DisplayFieldElement name="Field1" schema-element="nt:scores\/NEO\/NEOFAC_A"\/>\s*<description>NEO Factor A \(Agreeableness\)<\/description>/);
    assert.match(reply.text, /<DisplayField id="SUBJECT_ID" header="Subject"[^>]*>\s*<DisplayFieldElement name="Field1" schema-element="nt:scores.subject_ID"\/>/);
    assert.doesNotThrow(() => new XMLParser().parse(reply.text, true));
  });

  it("serves nontoolbox.xsd, the schema that xsi:schemaLocation points at", async () => {
    const reply = await client.get("schemas/nt/nontoolbox.xsd");
    assert.equal(reply.status, 200);
    assert.match(reply.text, /<xs:element name="NTScores" type="nt:scores"\/>/);
    assert.match(reply.text, /<xs:extension base="xnat:subjectAssessorData">/);
    assert.match(reply.text, /<xs:element name="ER40_CRT" type="xs:float" minOccurs="0">/);
    assert.match(reply.text, /<xs:element name="NEOFAC_A" type="xs:integer" minOccurs="0">/);
    assert.doesNotThrow(() => new XMLParser().parse(reply.text, true));
  });
});
