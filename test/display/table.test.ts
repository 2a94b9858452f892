import * as assert from "node:assert/strict";
import { frame } from "../../lib/index.js";

import { isInvalidArgumentError } from "../../lib/errors.js";
import { neoFrame } from "./fixtures.js";
import { matchSnapshot } from "./snapshot.js";
import { toTableData } from "../../lib/display/table-data.js";
import { toHtmlTable, toTextTable } from "../../lib/display/table.js";

function wideLongFrame() {
  const columns = Array.from({ length: 30 }, (_, i) => `c${i}`);
  const rows = Array.from({ length: 100 }, (_, r) => columns.map((_, c) => (c === 0 ? `s${r}` : String(r * 100 + c + (c % 4 === 0 ? 0.125 : 0)))));
  return frame.fromRows(rows, columns, Object.fromEntries(columns.slice(1).map((c) => [c, "number" as const])));
}

describe("display: HTML table renderer", () => {
  it("renders a typed frame: caption, escaping, NaN marker, alignment (golden)", () => {
    const html = toHtmlTable(neoFrame(), { caption: "NEO <factors>" });
    matchSnapshot("neo-frame.html", html);
    assert.match(html, /<p class="np-shape">40 rows × 7 columns<\/p>/);
    assert.ok(html.includes("&lt;b&gt;x&lt;/b&gt; &amp; &#39;y&#39;"), "cell text is escaped");
    assert.ok(!html.includes("<b>x</b>"));
    assert.ok(html.includes("NEO &lt;factors&gt;"), "caption is escaped");
    assert.ok(html.includes('<td class="np-missing" style="text-align:right" title="missing">NaN</td>'), "missing number is marked");
    assert.ok(html.includes('<th style="text-align:right">neo_neofac_a</th>'), "numeric column header right-aligned");
    assert.ok(html.includes('<th style="text-align:left">subject_id</th>'), "string column header left-aligned");
    assert.ok(html.includes('<td style="text-align:left">ConnectomeDB_S00230</td>'), "IDs stay strings, left-aligned");
  });

  it("truncates long and wide frames to head/tail rows and first/last columns (golden)", () => {
    const html = toHtmlTable(wideLongFrame(), { maxRows: 6, maxColumns: 4 });
    matchSnapshot("wide-long.html", html);
    assert.match(html, /100 rows × 30 columns/);
    const headerCells = html.split("</thead>")[0].match(/<th[ >]/g) ?? [];
    assert.equal(headerCells.length, 5, "2 first + gap + 2 last columns");
    for (const shown of ["s0", "s1", "s2", "s97", "s98", "s99", ">c0<", ">c1<", ">c28<", ">c29<"]) assert.ok(html.includes(shown), shown);
    for (const hidden of [">s3<", ">s96<", ">c2<", ">c27<"]) assert.ok(!html.includes(hidden), hidden);
    assert.ok(html.includes("9928.125"), "fractional numbers keep their decimals");
  });

  it("shows the row labels of describe() and formats floats to 4 decimals (golden)", () => {
    const described = neoFrame().loc({ columns: ["neo_neofac_a", "neo_neofac_c"] }).describe();
    const html = toHtmlTable(described);
    matchSnapshot("describe.html", html);
    assert.ok(html.includes('<th style="text-align:left">mean</th>'));
    assert.match(html, /7 rows × 2 columns/);
    for (const cell of html.match(/<td style="text-align:right">[^<]*<\/td>/g) ?? []) {
      const decimals = (cell.match(/\.(\d+)</) ?? ["", ""])[1];
      assert.ok(decimals.length <= 4, cell);
    }
  });

  it("renders a Series and an array of records", () => {
    const series = neoFrame()["neo_neofac_a"];
    const data = toTableData(series);
    assert.deepEqual(data.columns, ["neo_neofac_a"]);
    assert.deepEqual(data.kinds, ["number"]);
    matchSnapshot("records.html", toHtmlTable([{ id: "1", ok: true, v: 1.5 }, { id: "2", ok: false, v: null }, { id: "3", extra: "late column" }]));
  });

  it("renders objects that hold a frame, such as search results", () => {
    const df = neoFrame();
    assert.equal(toHtmlTable({ frame: df }), toHtmlTable(df));
    const searchResultLike = { columns: [{ key: "subject_id" }], length: 40, frame: df };
    assert.equal(toHtmlTable(searchResultLike), toHtmlTable(df));
  });

  it("renders the text fallback with the same truncation (golden)", () => {
    const text = toTextTable(wideLongFrame(), { maxRows: 4, maxColumns: 4 });
    matchSnapshot("wide-long.txt", text);
    assert.equal(text.split("\n").length, 1 + 5 + 1);
    assert.match(text, /\[100 rows × 30 columns\]$/);
  });

  it("cuts long cell text, keeping the whole text in a tooltip", () => {
    const long = "x".repeat(70) + "<end>";
    const html = toHtmlTable([{ d: long }], { maxCellChars: 10 });
    assert.ok(html.includes(`<td style="text-align:left" title="${"x".repeat(70)}&lt;end&gt;">xxxxxxxxx…</td>`), html);
    assert.match(toTextTable([{ d: long }]), new RegExp(`^d\n${"x".repeat(59)}…\n`));
  });

  it("shows labels (e.g. with units) instead of column names, the name kept in a tooltip", () => {
    const rows = [{ id: "1", cpw_iwrd_rtc: 1200.5 }];
    const html = toHtmlTable(rows, { labels: { cpw_iwrd_rtc: "IWRD_RTC (ms)" } });
    assert.ok(html.includes('<th style="text-align:right" title="cpw_iwrd_rtc">IWRD_RTC <span style="white-space:nowrap">(ms)</span></th>'), html);
    assert.ok(html.includes('<th style="text-align:left">id</th>'), "unlabelled columns keep their name");
    assert.match(toTextTable(rows, { labels: { cpw_iwrd_rtc: "IWRD_RTC (ms)" } }), /^id  IWRD_RTC \(ms\)\n/);
    assert.match(html, /thead th\{[^}]*white-space:normal/, "long headers wrap instead of widening the table");
    assert.match(html, /\.np-frame\{overflow-x:auto/, "a table wider than its output scrolls");
  });

  it("rejects values that are not tables with a typed error", () => {
    assert.throws(() => toHtmlTable(42 as never), (e: unknown) => isInvalidArgumentError(e) && /DataFrame/.test((e as Error).message));
    assert.throws(() => toHtmlTable([1, 2] as never), (e: unknown) => isInvalidArgumentError(e) && /records/.test((e as Error).message));
  });
});
