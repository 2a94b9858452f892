import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { evaluateXPath, parseXml, type XmlElement } from "../../lib/xnat/index.js";
import { toConstraintSet } from "../../lib/xnat/constraints.js";
import { escapeXml, toSearchDocument } from "../../lib/xnat/search-document.js";

type Tree = { name: string; attributes: Record<string, string>; text: string; children: Tree[] };

/** Element names, non-namespace attributes, text and children: the structure a server sees. */
function canonical(element: XmlElement): Tree {
  const attributes = Object.fromEntries(Object.entries(element.attributes).filter(([k]) => !k.startsWith("xmlns")));
  return {
    name: `${element.namespace}|${element.local}`,
    attributes,
    text: element.children.filter((c) => c.kind === "text").map((c) => (c.kind === "text" ? c.text : "")).join(""),
    children: element.children.filter((c): c is XmlElement => c.kind === "element").map(canonical),
  };
}

/** The document pyxnat (Debian python3-pyxnat) builds for the same search. */
function pyxnatDocument(root: string, columns: string[], constraints: unknown): string {
  const script = [
    "import json, sys",
    "from pyxnat.core import search",
    "def tup(x):",
    "    if isinstance(x, list) and len(x) == 3 and all(isinstance(i, str) for i in x) and x[0] not in ('AND', 'OR'): return tuple(x)",
    "    if isinstance(x, list): return [tup(i) for i in x]",
    "    return x",
    "args = json.loads(sys.stdin.read())",
    "doc = search.build_search_document(args['root'], args['columns'], tup(args['constraints']))",
    "sys.stdout.write(doc if isinstance(doc, str) else doc.decode())",
  ].join("\n");
  return execFileSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify({ root, columns, constraints }), encoding: "utf8" });
}

const columnsOf = (fields: string[]) => fields.map((f) => ({ elementName: f.split("/")[0], fieldId: f.split("/")[1], type: "string", header: f }));

describe("xnat search document builder", () => {
  const seed = [["nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"], [["nt:scores/CPW_IWRD_TOT", "<", "30"], ["nt:scores/CPW_IWRD_TOT", ">=", "35"], "OR"], "AND"];
  const fields = ["nt:scores/SUBJECT_ID", "nt:scores/CPW_IWRD_TOT", "nt:scores/CPW_IWRD_RTC"];

  it("builds the same document structure as pyxnat for the seed's nested search", () => {
    const ours = toSearchDocument({ rootElement: "nt:scores", columns: columnsOf(fields), where: toConstraintSet(seed) });
    const theirs = pyxnatDocument("nt:scores", fields, seed);
    assert.deepEqual(canonical(parseXml(ours).root), canonical(parseXml(theirs).root));
  });

  it("leaves xdat:type out for a column without a type, so the server reports the field's own type", () => {
    const document = toSearchDocument({ rootElement: "nt:scores", columns: [{ elementName: "nt:scores", fieldId: "PROJECTS", header: "nt:scores/PROJECTS" }, ...columnsOf(["nt:scores/SUBJECT_ID"])], where: toConstraintSet([["nt:scores/PROJECTS", "LIKE", "%"]]) });
    const parsed = parseXml(document);
    assert.equal(evaluateXPath(parsed, "xdat:search_field").length, 2);
    assert.equal(evaluateXPath(parsed, "xdat:search_field/xdat:type").length, 1);
  });

  it("escapes values so that <, &, quotes cannot change the document structure", () => {
    const hostile = `%HCP_Q1</xdat:value></xdat:criteria><xdat:criteria><xdat:value>&amp;"'<!--`;
    const constraints = [["nt:scores/PROJECTS", "LIKE", hostile], ["nt:scores/SUBJECT_ID", "=", `a"b'c&d<e>f`], "AND"];
    const document = toSearchDocument({ rootElement: "nt:scores", columns: columnsOf(fields), where: toConstraintSet(constraints), description: `"><x/>` });
    const parsed = parseXml(document);
    assert.equal(evaluateXPath(parsed, "xdat:search_where/xdat:criteria").length, 2);
    assert.deepEqual(
      evaluateXPath(parsed, "xdat:search_where/xdat:criteria/xdat:value").map((n) => (n.kind === "element" ? n.children.map((c) => (c.kind === "text" ? c.text : "")).join("") : "")),
      [hostile.replace(/\*/g, "%"), `a"b'c&d<e>f`],
    );
    assert.equal(parsed.root.attributes.description, `"><x/>`);
    const theirs = pyxnatDocument("nt:scores", fields, constraints);
    assert.deepEqual(canonical(parsed.root).children, canonical(parseXml(theirs).root).children);
  });

  it("escapes the five XML specials", () => {
    assert.equal(escapeXml(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  });
});
