import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startXnatDemo, type XnatDemo } from "../../demo/src/index.js";
import { toDocumentFields, toWideTable, WideTableBuilder, type DocumentField, type WideTable } from "../../lib/xnat/index.js";
import { InvalidArgumentError } from "../../lib/errors.js";
import { UnsafeXmlError, XmlFormatError } from "../../lib/xnat/errors.js";
import { isTrimmedSpace, MAX_XML_DEPTH } from "../../lib/xnat/xml-parser.js";
import { parseXml, type XmlDocument, type XmlElement, type XmlNode } from "../../lib/xnat/xml.js";
import { NT_100307 } from "./xml.test.js";
import { referenceParseXml, referenceToDocumentFields, referenceToNumber, referenceToWideTable, referenceValidate } from "./xml-reference.js";
import { toConstraintSet } from "../../lib/xnat/constraints.js";
import { toNumber } from "../../lib/xnat/document-table.js";
import { toSearchDocument } from "../../lib/xnat/search-document.js";

type Snapshot = { name: string; prefix: string; local: string; namespace: string; attributes: [string, string][]; children: (Snapshot | string)[] };

/** The whole tree as plain data (attribute order included), after checking every parent link. */
function snapshot(element: XmlElement): Snapshot {
  const children = element.children.map((child: XmlNode) => {
    assert.equal(child.parent, element, `parent of a child of <${element.name}>`);
    return child.kind === "text" ? child.text : snapshot(child);
  });
  const { name, prefix, local, namespace } = element;
  return { name, prefix, local, namespace, attributes: Object.entries(element.attributes), children };
}

function snapshotDocument(document: XmlDocument): { root: Snapshot; namespaces: [string, string][] } {
  assert.equal(document.root.parent, undefined);
  assert.ok("parent" in document.root, "the root has an explicit parent: undefined, as before");
  return { root: snapshot(document.root), namespaces: Object.entries(document.namespaces) };
}

function assertSameAsReference(xml: string, label: string): void {
  assert.deepStrictEqual(snapshotDocument(parseXml(xml)), snapshotDocument(referenceParseXml(xml)), label);
}

type Documents = { leading: Record<string, string>; fields: DocumentField[] }[];

/** Columns, types and rows (with each row's key order) equal to the former implementation's. */
function assertSameWideTable(documents: Documents, label: string): WideTable {
  const table = toWideTable(documents);
  const expected = referenceToWideTable(documents);
  assert.deepStrictEqual(table.columns, expected.columns, label);
  assert.deepStrictEqual(table.types, expected.types, label);
  assert.deepStrictEqual(table.rows, expected.rows, label);
  assert.deepStrictEqual(table.rows.map((row) => Reflect.ownKeys(row)), expected.rows.map((row) => Reflect.ownKeys(row)), `${label}: key order`);
  return table;
}

const SEARCH_FIELDS = ["nt:scores/SUBJECT_ID", "nt:scores/CPW_IWRD_TOT", "nt:scores/CPW_IWRD_RTC"];
const searchDocument = (constraints: unknown, description?: string) =>
  toSearchDocument({
    rootElement: "nt:scores",
    columns: SEARCH_FIELDS.map((f) => ({ elementName: f.split("/")[0], fieldId: f.split("/")[1], header: f })),
    where: toConstraintSet(constraints as never),
    description,
  });

/** Documents the other xnat tests use as fixtures. */
const FIXTURES: [string, string][] = [
  ["NT_100307", NT_100307],
  ["NT_100307 with q: prefixes", NT_100307.replace(/<(\/?)nt:/g, "<$1q:").replace('xmlns:nt="http://nrg.wustl.edu/nt"', 'xmlns:q="http://nrg.wustl.edu/nt" xmlns:nt="http://nrg.wustl.edu/nt"')],
  ["NT_100307 with an empty value", NT_100307.replace(">39<", "><").replace(">1471.0<", ">1500.5<")],
  ["NT_100307 with CRLF line ends", NT_100307.replace(/\n/g, "\r\n")],
  ["NT_100307 with tabs and a BOM", `\uFEFF${NT_100307.replace(/\n</g, "\n\t\t<")}`],
  ["seed search", searchDocument([["nt:scores/PROJECTS", "LIKE", "%HCP_Q1%"], [["nt:scores/CPW_IWRD_TOT", "<", "30"], ["nt:scores/CPW_IWRD_TOT", ">=", "35"], "OR"], "AND"])],
  [
    "hostile search",
    searchDocument(
      [["nt:scores/PROJECTS", "LIKE", `%HCP_Q1</xdat:value></xdat:criteria><xdat:criteria><xdat:value>&amp;"'<!--`], ["nt:scores/SUBJECT_ID", "=", `a"b'c&d<e>f`], "AND"],
      `"><x/>`,
    ),
  ],
];

/** Documents where the scanner and the reference must build identical trees. */
const EDGE_CASES: string[] = [
  "<a/>",
  "<a></a>",
  "<a>  </a>",
  "<a>\n\t <b/>\n</a>",
  "<a>x<b/>y</a>",
  "<a>x<!--c-->y</a>",
  "<a> x <!--c--> y </a>",
  "<a>x<!---->y</a>",
  "<a>x<!--c--><b/>y</a>",
  "<a>&lt;<!--c-->&gt;</a>",
  "<a>x<![CDATA[y]]>z</a>",
  "<a>x<![CDATA[ <y> &amp; ]]>z</a>",
  "<a><![CDATA[  ]]></a>",
  "<a> <![CDATA[ q ]]> </a>",
  "<a>x<![CDATA[]]>y</a>",
  "<a><![CDATA[]]]></a>",
  " <a> a <!--c--> b <![CDATA[c]]> d </a>",
  "<a>x<?pi data?>y</a>",
  "<a>x<!--c-->y<?p?>z</a>",
  "<a>&lt;b&gt; &amp;lt; &quot;&apos;</a>",
  "<a b='&lt;&amp;&gt;&quot;&apos;'/>",
  "<a b='&amp;lt;'/>",
  "<a b=' x '/>",
  "<a b=' &lt; '/>",
  "<a b=''/>",
  `<a b="x>y" c='say "hi"' d="it's"/>`,
  "<a b='x\ny\tz'/>",
  "<a b='x\r\ny'>\r\nx\r\ny\r\n</a>",
  "<a>x\ry</a>",
  "<a>]]></a>",
  "<a>x>y</a>",
  "<a>\u00a0x\u00a0</a>",
  "<a>\u2028x\u3000</a>",
  "\uFEFF<a/>",
  '\uFEFF<?xml version="1.0"?><a/>',
  '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<?pi x?>\n<a/>\n<!-- d -->\n',
  "<a ><b  c = 'd' /></a >",
  "<a\n\tb='1'\n></a\n>",
  "<a-b.c_d/>",
  "<é:ñ xmlns:é='u'><日本/></é:ñ>",
  "<a><b>1</b><b>2</b><b/></a>",
  "<a xmlns:p=''><p:b/></a>",
  "<a xmlns='u'><b xmlns=''/><c/></a>",
  "<a b='1' xmlns='x'/>",
  "<a xmlns:p='u1'><p:b xmlns:p='u2'><p:c/></p:b><p:d/></a>",
  "<a><b xmlns:q='u3'/><q:c/></a>",
  "<p:a/>",
  "<xml:a xml:lang='en'/>",
  "<a xml:lang='en' xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
];

describe("xnat single-pass XML scanner", () => {
  describe("builds the same trees as the former fast-xml-parser builder", () => {
    for (const [label, xml] of FIXTURES) it(`fixture: ${label}`, () => assertSameAsReference(xml, label));

    it("hand-written edge cases (comments, CDATA, PIs, entities, white space, BOM, namespaces)", () => {
      for (const xml of EDGE_CASES) assertSameAsReference(xml, JSON.stringify(xml));
    });

    describe("every experiment document the demo ConnectomeDB serves", () => {
      let demo: XnatDemo;
      let authorization: string;
      before(async () => {
        demo = await startXnatDemo();
        authorization = `Basic ${Buffer.from(`${demo.info.user}:${demo.info.password}`).toString("base64")}`;
      });
      after(() => demo.close());
      const get = async (path: string) => {
        const response = await fetch(demo.info.url + path, { headers: { authorization } });
        assert.equal(response.status, 200, path);
        return response.text();
      };

      it("parses each one exactly as the reference does", async () => {
        const listing = JSON.parse(await get("data/experiments?format=json")) as { ResultSet: { Result: { ID: string }[] } };
        const ids = listing.ResultSet.Result.map((row) => row.ID);
        assert.ok(ids.length > 100, `the demo lists ${ids.length} experiments`);
        const kinds = new Set<string>();
        const documents: Documents = [];
        for (const id of ids) {
          const xml = await get(`data/experiments/${id}?format=xml`);
          assertSameAsReference(xml, id);
          const document = parseXml(xml);
          kinds.add(document.root.name);
          const fields = toDocumentFields(document);
          assert.deepStrictEqual(fields, referenceToDocumentFields(referenceParseXml(xml)), `${id}: tidy fields`);
          documents.push({ leading: { experiment: id }, fields });
        }
        assert.ok(kinds.size > 1, `several experiment types: ${[...kinds].join(", ")}`);
        const table = assertSameWideTable(documents, "all demo experiments");
        assert.ok(Object.values(table.types).includes("number") && table.columns.length > 50);
        const builder = new WideTableBuilder(["experiment"]);
        for (const document of documents) builder.add(document.leading, document.fields);
        assert.deepStrictEqual(builder.table(), table, "WideTableBuilder fed one document at a time");
        const reversed = [...documents].reverse().map((doc, i) => ({ leading: i % 3 === 0 ? {} : doc.leading, fields: doc.fields }));
        assertSameWideTable(reversed, "reversed, some rows without leading columns");
      });
    });
  });

  describe("decodes what the reference left undecoded", () => {
    const textOf = (xml: string) => (parseXml(xml).root.children[0] as { text: string }).text;
    it("decimal and hexadecimal character references, in text and attributes", () => {
      assert.equal(textOf("<a>&#65;&#x42;&#x1F600;&#xe9;</a>"), "AB😀é");
      assert.equal(parseXml("<a b='&#60;&#x3C;'/>").root.attributes.b, "<<");
      assert.equal(referenceParseXml("<a>&#65;</a>").root.children.length, 1, "the reference keeps the reference text");
    });
    it("trims the raw text before decoding, as before, so an explicit &#32; survives", () => {
      assert.equal(textOf("<a> &#32;x&#9; </a>"), " x\t");
    });
    it("names that are Object.prototype members", () => {
      const doc = parseXml("<a __proto__='x' constructor='y'><constructor:b xmlns:constructor='u'/><toString/></a>");
      assert.deepEqual(Object.entries(doc.root.attributes), [["__proto__", "x"], ["constructor", "y"]]);
      assert.equal(Object.getPrototypeOf(doc.root.attributes), Object.prototype);
      assert.equal((doc.root.children[0] as XmlElement).namespace, "u");
      assert.equal((doc.root.children[1] as XmlElement).namespace, "");
      assert.deepEqual(doc.namespaces, { constructor: "u" });
    });
    it("trims exactly the white space String.prototype.trim removes", () => {
      for (let c = 0; c <= 0xffff; c++) assert.equal(isTrimmedSpace(c), String.fromCharCode(c).trim() === "", `U+${c.toString(16)}`);
    });
  });

  describe("tidy and wide tables stay as they were", () => {
    const field = (group: string, name: string, text: string): DocumentField => ({ group, field: name, value: toNumber(text), text, path: name });

    it("toNumber accepts exactly what the former regular expression accepted", () => {
      const samples = ["", " ", "0", "-0", "+5", "007", "39", "1471.0", " 1.5 ", "5.", ".5", ".", "-.5e3", "1e5", "1E+05", "1e", "1e+", "e5", "--1", "+-1", "1.2.3", "0x10", "Infinity", "NaN", "1,5", "\u00a012\u00a0", "123456789", "1234567890", "99999999999999999999", "1_000", "٣"];
      for (const text of samples) assert.ok(Object.is(toNumber(text), referenceToNumber(text)), JSON.stringify(text));
    });

    it("wide tables with repeated, leading, blank, identifier and unusual columns", () => {
      assertSameWideTable(
        [
          { leading: { id: "1", experiment: "a" }, fields: [field("", "x", "1"), field("g", "y", "2"), field("", "x", "oops"), field("", "experiment", "9")] },
          { leading: { experiment: "b" }, fields: [field("g", "y", " "), field("", "z", "3"), field("", "x", "4")] },
          { leading: {}, fields: [field("", "z", ""), field("g", "y", "5e1"), field("h", "label", "100307")] },
          { leading: { "2": "two", experiment: "c" }, fields: [field("", "1", "one"), field("", "x", "6")] },
          { leading: { experiment: "d" }, fields: [field("g", "y", "2"), field("g", "y", "x"), field("", "x", "1")] },
        ],
        "hand-written",
      );
      assertSameWideTable([], "no documents");
      const inherited = toWideTable([{ leading: {}, fields: [field("", "constructor", "1"), field("", "__proto__", "p")] }, { leading: {}, fields: [field("", "x", "2")] }]);
      assert.deepEqual(inherited.columns, ["constructor", "__proto__", "x"], "columns named like Object.prototype members (the former code crashed on them)");
      assert.equal(inherited.types.constructor, "number");
      assertSameWideTable([{ leading: { a: "1" }, fields: [] }], "leading only");
    });

    it("WideTableBuilder refuses leading columns it was not told about, and its tables do not change afterwards", () => {
      const builder = new WideTableBuilder(["experiment"]);
      builder.add({ experiment: "a" }, [field("", "x", "1")]);
      const first = builder.table();
      assert.throws(() => builder.add({ subject: "s" }, []), (error: unknown) => error instanceof InvalidArgumentError && /subject/.test(error.message));
      builder.add({ experiment: "b" }, [field("", "x", "text"), field("", "y", "2")]);
      assert.deepEqual(first, { columns: ["experiment", "x"], types: { experiment: "string", x: "number" }, rows: [{ experiment: "a", x: "1" }] });
      assert.deepEqual(builder.table().types, { experiment: "string", x: "string", y: "number" });
    });
  });

  describe("refuses unsafe declarations before anything else", () => {
    for (const xml of [
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`,
      "<r><!ENTITY a 'aaaa'></r>",
      "<broken <!doctype x>",
      "<r><!--<! \n ENTITY x 'y'>--></r>",
    ]) {
      it(JSON.stringify(xml), () => assert.throws(() => parseXml(xml), UnsafeXmlError));
    }
  });

  describe("rejects malformed documents with a position", () => {
    /** [document, line, column, message pattern, whether fast-xml-parser's XMLValidator rejects it too] */
    const MALFORMED: [string, number, number, RegExp, boolean][] = [
      ["<a><b></a></b>", 1, 7, /closing tag <\/a> does not match <b> opened at line 1, column 4/, true],
      ["<a>\n  <nt:ER40>\n  </nt:ER4>\n</a>", 3, 3, /closing tag <\/nt:ER4> does not match <nt:ER40> opened at line 2, column 3/, true],
      ["<a>x</b>", 1, 5, /closing tag <\/b> does not match <a>/, true],
      ["<A></a>", 1, 4, /closing tag <\/a> does not match <A>/, true],
      ["<a><ab></a></ab>", 1, 8, /closing tag <\/a> does not match <ab>/, true],
      ["</a>", 1, 1, /closing tag <\/a> before any start tag/, true],
      ["<a></a></a>", 1, 8, /closing tag <\/a> after the root element <\/a> was closed/, true],
      ["<a>", 1, 4, /the document ends before <\/a> closes <a> opened at line 1, column 1/, true],
      ["<a>\n<b>\ntext", 3, 5, /the document ends before <\/b> closes <b> opened at line 2, column 1/, true],
      ["<a b='1' b='2'/>", 1, 10, /attribute b appears twice in <a>/, true],
      ["<a xmlns:p='u' xmlns:p='v'/>", 1, 16, /attribute xmlns:p appears twice/, true],
      ["<a b/>", 1, 5, /attribute b has no value/, true],
      ["<a b=c/>", 1, 6, /the value of attribute b is not quoted/, true],
      ["<a b=/>", 1, 6, /the value of attribute b is not quoted/, true],
      ["<a b='<'/>", 1, 7, /'<' in the value of attribute b of <a>/, false],
      ['<a b="x<y"></a>', 1, 8, /'<' in the value of attribute b/, false],
      ['<a b="x></a>\n<c d="y"/>', 1, 9, /'<' in the value of attribute b/, true],
      ["<a>&foo;</a>", 1, 4, /unknown entity &foo;/, false],
      ["<a b='&foo;'/>", 1, 7, /unknown entity &foo;/, false],
      ["<a>& b</a>", 1, 4, /'&' that does not start an entity or character reference/, true],
      ["<a b='x & y'/>", 1, 9, /'&' that does not start an entity or character reference/, false],
      ["<a>&amp</a>", 1, 4, /'&' that does not start an entity/, true],
      ["<a>&#xZZ;</a>", 1, 4, /malformed or disallowed character reference &#xZZ;/, true],
      ["<a>&#0;</a>", 1, 4, /character reference &#0;/, false],
      ["<a>&#xD800;</a>", 1, 4, /character reference &#xD800;/, false],
      ["<a>&#1114112;</a>", 1, 4, /character reference &#1114112;/, false],
      ["<a>x<!--c-->&am<!--c-->p;</a>", 1, 13, /'&' that does not start an entity/, true],
      ["<1a/>", 1, 1, /'<' is not followed by an element name \('1' cannot start a name/, true],
      ["<a:b:c/>", 1, 2, /invalid element name: a:b:c/, false],
      ["<:a/>", 1, 2, /invalid element name: :a/, false],
      ["<a:/>", 1, 2, /invalid element name: a:/, false],
      ["<a 1b='x'/>", 1, 4, /invalid attribute name: '1' cannot start a name/, true],
      ["<a b:c:d='1'/>", 1, 4, /invalid attribute name in <a>: b:c:d/, false],
      ["< a/>", 1, 1, /'<' is not followed by an element name/, true],
      ["<a></ a>", 1, 4, /'<\/' is not followed by the name of the element it closes \(expected <\/a>\)/, true],
      ["<a>x<</a>", 1, 5, /'<' is not followed by an element name/, true],
      ["<a><!-- x </a>", 1, 4, /the comment <!-- is not closed with -->/, true],
      ["<a><!-- a -- b --></a>", 1, 11, /'--' inside a comment/, false],
      ["<a><![CDATA[x</a>", 1, 4, /the CDATA section <!\[CDATA\[ is not closed/, true],
      ["<a><?pi </a>", 1, 4, /the processing instruction <\?pi is not closed with \?>/, true],
      ["<a><!foo></a>", 1, 4, /unexpected '<!'/, false],
      ["<a", 1, 3, /the start tag <a is not closed/, true],
      ['<a b="1"', 1, 9, /the start tag <a is not closed/, true],
      ['<a b="1', 1, 6, /the value of attribute b in <a> has no closing quote/, true],
      ["<a></a", 1, 4, /the closing tag <\/a is not closed with >/, true],
      ["<a b='1'c='2'/>", 1, 9, /unexpected 'c' in the start tag <a>: expected white space/, true],
      ["<a b='x' / >", 1, 11, /expected '>' after '\/' in the start tag <a>/, true],
      ["<a/><b/>", 1, 5, /a second root element <b> after <\/a>/, false],
      ["<a/>\n<b/>", 2, 1, /a second root element <b>/, false],
      ["x<a/>", 1, 1, /text before the root element/, true],
      ["<a/>x", 1, 5, /text after the root element <\/a>/, false],
      ["<a/><![CDATA[x]]>", 1, 5, /a CDATA section outside the root element/, false],
      ["<a><?xml version='1.0'?></a>", 1, 4, /XML declaration <\?xml … \?> is only allowed at the very start/, false],
      ["<?xml version='1.0'?><?xml version='1.0'?><a/>", 1, 22, /XML declaration <\?xml … \?> is only allowed at the very start/, true],
      ["\n<?xml version='1.0'?><a/>", 2, 1, /XML declaration <\?xml … \?> is only allowed at the very start/, true],
      ["", 1, 1, /the document is empty/, true],
      ["   \n ", 2, 2, /the document is empty/, true],
      ["<!-- only -->", 1, 14, /there is no root element/, true],
      ["<?xml version='1.0'?>", 1, 22, /there is no root element/, true],
    ];

    for (const [xml, line, column, message, referenceRejects] of MALFORMED) {
      it(`${JSON.stringify(xml)} → ${line}:${column}`, () => {
        assert.throws(
          () => parseXml(xml, "the test"),
          (error: unknown) => {
            assert.ok(error instanceof XmlFormatError, String(error));
            assert.match(error.message, message);
            assert.match(error.message, /^the XML document from the test is not well-formed at line \d+, column \d+: /);
            assert.deepEqual([error.line, error.column], [line, column], error.message);
            return true;
          },
        );
        assert.equal(referenceValidate(xml) !== true, referenceRejects, "fast-xml-parser's XMLValidator verdict");
      });
    }

    it("reports a mismatch deep inside a real document at the closing tag's line", () => {
      const broken = NT_100307.replace("</nt:ER40>", "</nt:ER4>");
      const line = broken.slice(0, broken.indexOf("</nt:ER4>")).split("\n").length;
      const opened = broken.slice(0, broken.indexOf("<nt:ER40>")).split("\n").length;
      assert.throws(
        () => parseXml(broken),
        (error: unknown) =>
          error instanceof XmlFormatError && error.line === line && error.column === 1 && error.message.includes(`closing tag </nt:ER4> does not match <nt:ER40> opened at line ${opened}, column 1`),
      );
    });

    it("refuses nesting deeper than the limit with a typed error, and accepts the limit itself", () => {
      const nested = (depth: number) => "<a>".repeat(depth) + "x" + "</a>".repeat(depth);
      const atLimit = parseXml(nested(MAX_XML_DEPTH));
      assert.equal(toDocumentFields(atLimit).length, 1);
      assert.throws(
        () => parseXml(nested(100_000)),
        (error: unknown) => error instanceof XmlFormatError && error.line === 1 && error.column === MAX_XML_DEPTH * 3 + 1 && error.message.includes(`deeper than ${MAX_XML_DEPTH} levels`),
      );
    });

    it("keeps no parsed document alive once it is dropped (interned names are copies, not views into the text)", function () {
      this.timeout(60_000);
      const script = path.join(os.tmpdir(), `np-xml-retention-${process.pid}.ts`);
      const library = path.resolve(__dirname, "../../lib/xnat/xml.ts");
      fs.writeFileSync(
        script,
        `import { parseXml } from ${JSON.stringify(library)};
const gc = (globalThis as { gc?: () => void }).gc!;
gc();
const before = process.memoryUsage().heapUsed;
(() => {
  const root = "a_root_name_long_enough_to_be_a_slice_" + process.pid;
  parseXml("<" + root + ">" + "<value>1</value>".repeat(2_500_000) + "</" + root + ">");
})();
gc();
gc();
console.log(process.memoryUsage().heapUsed - before);
`,
      );
      try {
        const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script], { encoding: "utf8", timeout: 50_000, cwd: path.resolve(__dirname, "../..") });
        assert.equal(run.status, 0, run.stderr);
        const retainedMiB = Number(run.stdout.trim()) / 2 ** 20;
        assert.ok(retainedMiB < 4, `${retainedMiB.toFixed(1)} MiB of a 38 MiB document stayed reachable after parsing it`);
      } finally {
        fs.rmSync(script, { force: true });
      }
    });

    it("rejects every truncation of a real document", () => {
      for (let end = 0; end < NT_100307.length - 1; end += 7) {
        const truncated = NT_100307.slice(0, end);
        assert.throws(() => parseXml(truncated), XmlFormatError, `truncated at ${end}`);
      }
    });
  });
});
