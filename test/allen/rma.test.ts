import { strict as assert } from "node:assert";
import * as allen from "../../lib/allen/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { DEFAULT_API } from "../../lib/allen/constants.js";
import { fromEnvelopeJson } from "../../lib/allen/envelope.js";
import { apiBase, downloadLinkUrl, gridDataUrl, isNormalizedQuery, pageUrl } from "../../lib/allen/rma.js";

describe("allen: pure URL builders", () => {
  const API = "http://api.brain-map.org/";

  it("builds the seed's reference-space URL with the full include filter", () => {
    assert.equal(
      allen.referenceSpaceUrl(API),
      "http://api.brain-map.org/api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]&include=well_known_files[path$li'*atlasVolume.zip']",
    );
  });

  it("builds grid URLs with and without include, and joins download links with one slash", () => {
    assert.equal(gridDataUrl(API, 69855739), "http://api.brain-map.org/grid_data/download/69855739");
    assert.equal(gridDataUrl("http://h/base", 5, ["energy", "intensity"]), "http://h/base/grid_data/download/5?include=energy,intensity");
    assert.equal(downloadLinkUrl(API, "/api/v2/well_known_file_download/7"), "http://api.brain-map.org/api/v2/well_known_file_download/7");
    assert.equal(downloadLinkUrl(API, "https://elsewhere/x.zip"), "https://elsewhere/x.zip");
    assert.equal(DEFAULT_API, "https://api.brain-map.org/");
  });

  it("modelQueryUrl writes criteria, include, only and order; rejects bad model names", () => {
    assert.equal(
      allen.modelQueryUrl({ api: API, model: "Structure", criteria: "[graph_id$eq1]", only: ["id", "acronym"], order: "structures.graph_order" }),
      "http://api.brain-map.org/api/v2/data/Structure/query.json?criteria=[graph_id$eq1]&only=id,acronym&order=structures.graph_order",
    );
    assert.throws(() => allen.modelQueryUrl({ model: "structure;drop" }), isInvalidArgumentError);
    assert.throws(() => apiBase("ftp://x/"), isInvalidArgumentError);
    assert.throws(() => apiBase("not a url"), isInvalidArgumentError);
  });

  it("pageUrl writes each paging spelling and replaces bounds already present", () => {
    const legacy = "http://h/api/v2/data/Structure/query.json?criteria=[graph_id$eq1]";
    assert.equal(pageUrl(legacy, 0, 2000, "camel"), `${legacy}&startRow=0&numRows=2000`);
    assert.equal(pageUrl(legacy, 4000, 2000), `${legacy}&start_row=4000&num_rows=2000`);
    assert.equal(pageUrl(`${legacy}&start_row=5&num_rows=7`, 10, 20), `${legacy}&start_row=10&num_rows=20`);
    assert.equal(pageUrl(`${legacy}&startRow=5&numRows=7`, 10, 20, "snake"), `${legacy}&start_row=10&num_rows=20`);
    assert.equal(pageUrl("http://h/api/v2/data/Gene/query.json", 0, 50), "http://h/api/v2/data/Gene/query.json?start_row=0&num_rows=50");
  });

  it("pageUrl puts bounds into rma::options for normalized queries, merging with options already there", () => {
    const normalized = "http://h/api/v2/data/query.json?criteria=model::Structure,rma::criteria,[graph_id$eq1]";
    assert.ok(isNormalizedQuery(normalized));
    assert.equal(pageUrl(normalized, 0, 100), `${normalized},rma::options[start_row$eq0][num_rows$eq100]`);
    const withOptions = `${normalized},rma::options[num_rows$eq'all'][order$eq'id']`;
    assert.equal(pageUrl(withOptions, 200, 100), `${normalized},rma::options[start_row$eq200][num_rows$eq100][order$eq'id']`);
    assert.throws(() => pageUrl("http://h/api/v2/data/Gene/query.json", 0, 1, "rma-options"), isInvalidArgumentError);
  });
});

describe("allen: RMA envelope", () => {
  const url = "http://h/api/v2/data/Gene/query.json";

  it("unpacks rows and counts", () => {
    const page = fromEnvelopeJson(JSON.stringify({ success: true, id: 0, start_row: 4, num_rows: 1, total_rows: 9, msg: [{ id: 1 }] }), url);
    assert.deepEqual(page, { rows: [{ id: 1 }], startRow: 4, totalRows: 9 });
  });

  it("turns success:false into RmaError carrying the server's message and the URL", () => {
    assert.throws(
      () => fromEnvelopeJson(JSON.stringify({ success: false, msg: "Data Access error in query: bad model" }), url, 400),
      (e: unknown) => allen.isRmaError(e) && e.serverMessage === "Data Access error in query: bad model" && e.url === url && e.status === 400 && e.code === "E_RMA",
    );
  });

  it("reads an empty result written as `msg: {}` without total_rows (the real API's shape) as zero rows with no claim", () => {
    assert.deepEqual(fromEnvelopeJson('{"success": true, "id": 0, "start_row": 0, "num_rows": 0, "msg": {}}', url), { rows: [], startRow: 0, totalRows: undefined });
    assert.deepEqual(fromEnvelopeJson(JSON.stringify({ success: true, msg: [] }), url), { rows: [], startRow: undefined, totalRows: undefined });
  });

  it("rejects envelopes without success, with a msg that is neither rows nor empty, or a bad total_rows", () => {
    assert.throws(() => fromEnvelopeJson("[1,2]", url), allen.isRmaError);
    assert.throws(() => fromEnvelopeJson(JSON.stringify({ msg: [] }), url), allen.isRmaError);
    assert.throws(() => fromEnvelopeJson(JSON.stringify({ success: true, msg: "x" }), url), allen.isRmaError);
    assert.throws(() => fromEnvelopeJson(JSON.stringify({ success: true, msg: { id: 1 } }), url), (e: unknown) => allen.isRmaError(e) && /an object with keys/.test(e.serverMessage));
    assert.throws(() => fromEnvelopeJson(JSON.stringify({ success: true, msg: null }), url), allen.isRmaError);
    assert.throws(() => fromEnvelopeJson(JSON.stringify({ success: true, msg: [], total_rows: "many" }), url), allen.isRmaError);
    assert.throws(() => fromEnvelopeJson(JSON.stringify({ success: true, msg: [], total_rows: 1e300 }), url), allen.isRmaError);
  });
});
