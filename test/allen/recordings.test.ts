import { strict as assert } from "node:assert";
import { request } from "../../lib/http/request.js";
import { readZip } from "../../lib/zip/index.js";
import { fixtureBody, fixtureText } from "../helpers/replay.js";
import { withAllenDemo } from "./helpers.js";

type Json = Record<string, unknown>;
const typesOf = (envelope: Json) => Object.fromEntries(Object.entries(envelope).map(([key, value]) => [key, Array.isArray(value) ? "array" : value === null ? "null" : typeof value]));

/**
 * The demo Allen API against the recorded real answers, field by field, for the shapes the
 * client depends on: the RMA envelope of a page, of an empty result and of a failure, the
 * over-counted `total_rows` of a query with `include=`, and the grid zip.
 */
describe("the demo Allen API answers in the shapes the recorded real API answers", () => {
  let api: string;
  withAllenDemo((url) => (api = url));

  const get = async (suffix: string) => {
    const response = await request(api + suffix, { retry: false, acceptStatus: [400, 404] });
    return { status: response.status, body: response.body };
  };
  const json = async (suffix: string) => {
    const { status, body } = await get(suffix);
    return { status, envelope: JSON.parse(body.toString()) as Json };
  };

  it("a page: the same envelope keys with the same JSON types (success, id, start_row, num_rows, total_rows, msg)", async () => {
    const real = JSON.parse(fixtureText("allen/rma-normal-gene-only.json")) as Json;
    const { status, envelope } = await json("api/v2/data/Structure/query.json?criteria=[acronym$in'HPF','TH']&only=name,acronym");
    assert.equal(status, 200);
    assert.deepEqual(typesOf(envelope), typesOf(real));
    assert.deepEqual(Object.keys((envelope.msg as Json[])[0]).sort(), Object.keys((real.msg as Json[])[0]).sort(), "`only` keeps exactly those attributes");
  });

  it("an empty result: the recorded envelope exactly (msg {}, no total_rows)", async () => {
    const real = JSON.parse(fixtureText("allen/rma-empty-msg-object.json")) as Json;
    const { status, envelope } = await json("api/v2/data/Structure/query.json?criteria=[acronym$eq'NoSuchStructure']");
    assert.equal(status, 200);
    assert.deepEqual(envelope, real);
  });

  it("a query the server cannot run: HTTP 200 with the recorded failure envelope's keys and types", async () => {
    const real = JSON.parse(fixtureText("allen/rma-error-success-false-200.json")) as Json;
    const { status, envelope } = await json("api/v2/data/Structure/query.json?criteria=[colour$eq'red']");
    assert.equal(status, 200);
    assert.deepEqual(typesOf(envelope), typesOf(real));
    assert.equal(envelope.success, false);
  });

  it("include= over-counts total_rows as the recorded NeuronalModel query does (fewer rows than claimed)", async () => {
    const real = JSON.parse(fixtureText("allen/rma-overcounted-include-472451419.json")) as Json;
    assert.ok((real.msg as unknown[]).length < (real.total_rows as number));
    const { envelope } = await json("api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]&include=well_known_files");
    assert.deepEqual(typesOf(envelope), typesOf({ ...real, id: 0, start_row: 0, num_rows: 1 }));
    assert.ok((envelope.msg as unknown[]).length < (envelope.total_rows as number), JSON.stringify({ rows: (envelope.msg as unknown[]).length, total: envelope.total_rows }));
  });

  it("the grid zip: the recorded members in the recorded order, and an energy.mhd with the recorded header lines", async () => {
    const real = readZip(fixtureBody("allen/grid-69289763.zip"));
    const { body } = await get("grid_data/download/69855739");
    const demo = readZip(body);
    assert.deepEqual(demo.map((e) => e.name), real.map((e) => e.name));
    const keys = (text: string) => text.split("\n").filter(Boolean).map((line) => line.split(" = ")[0]);
    const realHeader = real.find((e) => e.name === "energy.mhd")!.read().toString();
    const demoHeader = demo.find((e) => e.name === "energy.mhd")!.read().toString();
    assert.deepEqual(keys(demoHeader), keys(realHeader));
    assert.equal(demoHeader.trimEnd(), realHeader.trimEnd(), "the same 200 µm grid header, line for line");
    assert.equal(demo.find((e) => e.name === "energy.raw")!.read().length, real.find((e) => e.name === "energy.raw")!.read().length);
  });
});
