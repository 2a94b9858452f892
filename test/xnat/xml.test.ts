import { strict as assert } from "node:assert";
import { UnsafeXmlError, XPathError, XmlFormatError, evaluateXPath, parseXml, toDocumentFields, toWideTable, valueOf } from "../../lib/xnat/index.js";
import { toDocumentFrame } from "../../lib/xnat/document-table.js";

export const NT_100307 = `<?xml version="1.0" encoding="UTF-8"?>
<nt:NTScores ID="ConnectomeDB_E00299" project="HCP_Subjects" label="100307_NonToolbox" xmlns:arc="http://nrg.wustl.edu/arc" xmlns:xdat="http://nrg.wustl.edu/security" xmlns:nt="http://nrg.wustl.edu/nt" xmlns:xnat="http://nrg.wustl.edu/xnat" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://nrg.wustl.edu/nt https://db/schemas/nt/nontoolbox.xsd">
<xnat:sharing>
<xnat:share label="100307_NonToolbox" project="HCP_Q1"/>
<xnat:share label="100307_NonToolbox" project="HCP_Q2"/>
</xnat:sharing>
<xnat:subject_ID>ConnectomeDB_S00230</xnat:subject_ID>
<nt:ER40>
<nt:ER40_CR>39</nt:ER40_CR>
<nt:ER40_CRT>1471.0</nt:ER40_CRT>
<nt:ER40ANG>8</nt:ER40ANG>
<nt:ER40FEAR>8</nt:ER40FEAR>
<nt:ER40HAP>8</nt:ER40HAP>
<nt:ER40NOE>8</nt:ER40NOE>
<nt:ER40SAD>7</nt:ER40SAD>
</nt:ER40>
<nt:NEO><nt:NEOFAC_A>33</nt:NEOFAC_A><nt:NEOFAC_O>37</nt:NEOFAC_O></nt:NEO>
</nt:NTScores>`;

describe("xnat XML documents and xpath", () => {
  const doc = parseXml(NT_100307);
  const values = (path: string) => evaluateXPath(doc, path).map(valueOf);

  it("evaluates the seed's xpath with prefixes from the document's own declarations", () => {
    assert.deepEqual(values("nt:ER40/nt:ER40_CR"), ["39"]);
    assert.deepEqual(values("nt:ER40/*"), ["39", "1471.0", "8", "8", "8", "8", "7"]);
    assert.deepEqual(values("nt:ER40/nt:ER40_CR/text()"), ["39"]);
    assert.deepEqual(values("/nt:NTScores/xnat:subject_ID"), ["ConnectomeDB_S00230"]);
    assert.deepEqual(values("//nt:ER40_CRT"), ["1471.0"]);
  });

  it("selects attributes, positions and attribute predicates", () => {
    assert.deepEqual(values("@ID"), ["ConnectomeDB_E00299"]);
    assert.deepEqual(values("xnat:sharing/xnat:share/@project"), ["HCP_Q1", "HCP_Q2"]);
    assert.deepEqual(values("xnat:sharing/xnat:share[2]/@project"), ["HCP_Q2"]);
    assert.deepEqual(values("xnat:sharing/xnat:share[last()]/@project"), ["HCP_Q2"]);
    assert.deepEqual(values("xnat:sharing/xnat:share[@project='HCP_Q1']/@label"), ["100307_NonToolbox"]);
    assert.deepEqual(values("//@project"), ["HCP_Subjects", "HCP_Q1", "HCP_Q2"]);
    assert.deepEqual(values("nt:ER40[nt:ER40SAD='7']/nt:ER40HAP"), ["8"]);
    assert.deepEqual(values("nt:ER40/nt:ER40_CR/.."), [values("nt:ER40")[0]]);
    assert.deepEqual(values("nt:NOPE"), []);
  });

  it("matches namespaces by URI, not by the prefix spelling", () => {
    const other = parseXml(NT_100307.replace(/<(\/?)nt:/g, "<$1q:").replace('xmlns:nt="http://nrg.wustl.edu/nt"', 'xmlns:q="http://nrg.wustl.edu/nt" xmlns:nt="http://nrg.wustl.edu/nt"'));
    assert.equal(other.root.name, "q:NTScores");
    assert.deepEqual(evaluateXPath(other, "nt:ER40/nt:ER40_CR").map(valueOf), ["39"]);
  });

  it("raises typed errors for undeclared prefixes and unsupported expressions", () => {
    assert.throws(() => evaluateXPath(doc, "hcp:ER40"), (e: unknown) => e instanceof XPathError && /hcp/.test(e.message) && /nt/.test(e.hint ?? ""));
    assert.throws(() => evaluateXPath(doc, "nt:ER40/"), XPathError);
    assert.throws(() => evaluateXPath(doc, "nt:ER40[position()>1]"), XPathError);
    assert.throws(() => evaluateXPath(doc, "count(nt:ER40)"), XPathError);
  });

  it("rejects DOCTYPE and entity declarations before parsing", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`;
    assert.throws(() => parseXml(xxe), (e: unknown) => e instanceof UnsafeXmlError && /DOCTYPE/.test(e.message));
    const bomb = `<r><!ENTITY a "aaaa"></r>`;
    assert.throws(() => parseXml(bomb), UnsafeXmlError);
  });

  it("reports broken XML with a typed error and its position", () => {
    assert.throws(
      () => parseXml(NT_100307.replace("</nt:ER40>", "</nt:ER4>")),
      (e: unknown) => e instanceof XmlFormatError && typeof e.line === "number" && e.line > 1,
    );
    assert.throws(() => parseXml(NT_100307.slice(0, 500)), XmlFormatError);
    assert.throws(() => parseXml(""), XmlFormatError);
  });

  it("flattens the whole document into tidy rows with numeric values", () => {
    const rows = toDocumentFields(doc);
    const er40 = rows.filter((r) => r.group === "ER40");
    assert.deepEqual(er40.map((r) => [r.field, r.value, r.text]), [
      ["ER40_CR", 39, "39"],
      ["ER40_CRT", 1471, "1471.0"],
      ["ER40ANG", 8, "8"],
      ["ER40FEAR", 8, "8"],
      ["ER40HAP", 8, "8"],
      ["ER40NOE", 8, "8"],
      ["ER40SAD", 7, "7"],
    ]);
    assert.deepEqual(rows.slice(0, 3).map((r) => r.field), ["@ID", "@project", "@label"]);
    const share2 = rows.find((r) => r.group === "sharing/share[2]" && r.field === "@project")!;
    assert.equal(share2.text, "HCP_Q2");
    for (const row of rows) assert.deepEqual(evaluateXPath(doc, row.path).map(valueOf), [row.text], row.path);
    const subject = rows.find((r) => r.field === "subject_ID")!;
    assert.ok(Number.isNaN(subject.value));
    const frame = toDocumentFrame(doc);
    assert.deepEqual(frame.columns, ["group", "field", "value", "text", "path"]);
    assert.equal(frame.shape[0], rows.length);
  });

  it("pivots several documents into one typed row each", () => {
    const other = parseXml(NT_100307.replace(">39<", "><").replace("ConnectomeDB_E00299", "ConnectomeDB_E00300").replace(">1471.0<", ">1500.5<"));
    const wide = toWideTable([
      { leading: { experiment: "100307_NonToolbox" }, fields: toDocumentFields(doc) },
      { leading: { experiment: "other" }, fields: toDocumentFields(other) },
    ]);
    assert.equal(wide.types["ER40/ER40_CR"], "number");
    assert.equal(wide.types["@ID"], "string");
    assert.equal(wide.types["subject_ID"], "string");
    assert.deepEqual(wide.rows.map((r) => r["ER40/ER40_CRT"]), ["1471.0", "1500.5"]);
    assert.deepEqual(wide.rows.map((r) => r["ER40/ER40_CR"]), ["39", ""]);
    assert.equal(wide.columns[0], "experiment");
  });
});
