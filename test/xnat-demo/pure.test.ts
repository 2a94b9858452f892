import { strict as assert } from "node:assert";
import { likeToRegExp } from "../../demo/src/xnat/listings.js";
import { parseSearchDocument, SearchDocumentError } from "../../demo/src/xnat/search-document.js";
import { javaDouble } from "../../demo/src/xnat/values.js";

describe("xnat demo: pure helpers", () => {
  it("prints doubles like Java's Double.toString", () => {
    assert.equal(javaDouble(1471), "1471.0");
    assert.equal(javaDouble(0.975), "0.975");
    assert.equal(javaDouble(59 / 60), "0.9833333333333333");
    assert.equal(javaDouble(0.0001), "1.0E-4");
    assert.equal(javaDouble(12345678), "1.2345678E7");
    assert.equal(javaDouble(0), "0.0");
    assert.equal(javaDouble(-2.5), "-2.5");
  });

  it("turns SQL LIKE patterns into anchored, case-insensitive expressions", () => {
    const q1 = likeToRegExp("%HCP_Q1%");
    assert.ok(q1.test("<HCP_Subjects>,<HCP_Q1>"));
    assert.ok(q1.test("<hcp-q1-meg>"), "_ matches any one character, case-insensitively");
    assert.ok(!q1.test("<HCPQ1>"));
    assert.ok(!likeToRegExp("a.b").test("axb"), "regex metacharacters are literal");
    assert.ok(likeToRegExp("a(b)*").test("a(b)*"));
    assert.ok(!likeToRegExp("abc").test("xabcx"), "no wildcards means the whole value");
  });

  it("reads pyxnat's bundle: fields by sequence, nested sets, the name and allowed users", () => {
    const spec = parseSearchDocument(
      `<xdat:bundle xmlns:xdat="http://nrg.wustl.edu/security" ID="@nt:scores" brief-description="mine" description="d">` +
        `<xdat:root_element_name>nt:scores</xdat:root_element_name>` +
        `<xdat:search_field><xdat:element_name>nt:scores</xdat:element_name><xdat:field_ID>B</xdat:field_ID><xdat:sequence>1</xdat:sequence></xdat:search_field>` +
        `<xdat:search_field><xdat:element_name>nt:scores</xdat:element_name><xdat:field_ID>A</xdat:field_ID><xdat:sequence>0</xdat:sequence></xdat:search_field>` +
        `<xdat:search_where method="AND"><xdat:criteria><xdat:schema_field>nt:scores/A</xdat:schema_field><xdat:comparison_type>LIKE</xdat:comparison_type><xdat:value>&lt;x&gt; &amp; y</xdat:value></xdat:criteria>` +
        `<xdat:child_set method="or"><xdat:criteria><xdat:schema_field>nt:scores/B</xdat:schema_field><xdat:comparison_type>=</xdat:comparison_type><xdat:value>1</xdat:value></xdat:criteria></xdat:child_set></xdat:search_where>` +
        `<xdat:allowed_user><xdat:login>demo</xdat:login></xdat:allowed_user></xdat:bundle>`,
    );
    assert.deepEqual(spec.fields.map((field) => field.fieldId), ["A", "B"]);
    assert.equal(spec.where?.criteria[0].value, "<x> & y");
    assert.equal(spec.where?.children[0].method, "OR");
    assert.equal(spec.briefDescription, "mine");
    assert.deepEqual(spec.allowedUsers, ["demo"]);
  });

  it("refuses a bundle in the wrong namespace and a bad method", () => {
    assert.throws(
      () => parseSearchDocument(`<xdat:bundle xmlns:xdat="http://nrg.wustl.edu/xdat"><xdat:root_element_name>nt:scores</xdat:root_element_name></xdat:bundle>`),
      (error: unknown) => error instanceof SearchDocumentError && /namespace http:\/\/nrg.wustl.edu\/security/.test(error.message),
    );
    assert.throws(
      () =>
        parseSearchDocument(
          `<xdat:bundle xmlns:xdat="http://nrg.wustl.edu/security"><xdat:root_element_name>nt:scores</xdat:root_element_name>` +
            `<xdat:search_field><xdat:element_name>nt:scores</xdat:element_name><xdat:field_ID>A</xdat:field_ID></xdat:search_field><xdat:search_where method="XOR"/></xdat:bundle>`,
        ),
      /use AND or OR/,
    );
  });
});
