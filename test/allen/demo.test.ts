import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import { startAllenDemo } from "../../demo/src/allen/index.js";
import { request, requestJson } from "../../lib/http/request.js";
import { readZip } from "../../lib/zip/index.js";
import { tempDir, withAllenDemo } from "./helpers.js";
import { decodeVoxels, parseMetaImageHeader } from "../../lib/allen/mhd.js";

type Envelope = { success: boolean; id: number; start_row: number; num_rows: number; total_rows: number; msg: any };

describe("allen demo service", () => {
  let api: string;
  withAllenDemo((url) => (api = url));

  const get = async (suffix: string) => {
    const response = await request(api + suffix, { acceptStatus: [400, 404, 405], retry: false });
    return { status: response.status, body: JSON.parse(response.body.toString()) as Envelope, headers: response.headers };
  };

  it("listens on 127.0.0.1 with a trailing-slash base URL", () => {
    assert.match(api, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("answers the real JSON envelope", async () => {
    const { body } = await get("api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]");
    assert.deepEqual(Object.keys(body).sort(), ["id", "msg", "num_rows", "start_row", "success", "total_rows"]);
    assert.deepEqual([body.success, body.start_row, body.num_rows, body.total_rows], [true, 0, 1, 1]);
    assert.equal(body.msg[0].name, "P56 Brain, L/R Flipped");
  });

  it("honours every paging spelling: start_row/num_rows, startRow/numRows and rma::options; default 50, cap 2000", async () => {
    const base = "api/v2/data/Structure/query.json?criteria=[graph_id$eq1]";
    const snake = await get(`${base}&start_row=10&num_rows=5`);
    const camel = await get(`${base}&startRow=10&numRows=5`);
    const options = await get("api/v2/data/query.json?criteria=model::Structure,rma::criteria,[graph_id$eq1],rma::options[start_row$eq10][num_rows$eq5]");
    const q = await get("api/v2/data/query.json?q=model::Structure[graph_id$eq1],rma::options[num_rows$eq5][start_row$eq10]");
    assert.equal(snake.body.msg.length, 5);
    assert.equal(snake.body.start_row, 10);
    assert.deepEqual(camel.body.msg, snake.body.msg);
    assert.deepEqual(options.body.msg, snake.body.msg);
    assert.deepEqual(q.body.msg, snake.body.msg);
    assert.equal((await get(base)).body.num_rows, 50);
    const all = await get(`${base}&num_rows=all`);
    assert.equal(all.body.num_rows, 2000);
    assert.ok(all.body.total_rows > 2000, "the ontology needs more than one 2000-row page");
    assert.equal((await get(`${base}&num_rows=5000`)).body.num_rows, 2000);
  });

  it("decodes percent-encoded brackets and quotes, and filters with $li, $in, $gt and association criteria", async () => {
    const encoded = await get("api/v2/data/ReferenceSpace/query.json?criteria=%5Bid$eq10%5D&include=well_known_files%5Bpath$li%27*gridAnnotation.zip%27%5D");
    assert.equal(encoded.body.msg[0].well_known_files.length, 1);
    assert.match(encoded.body.msg[0].well_known_files[0].path, /gridAnnotation\.zip$/);
    const inList = await get("api/v2/data/Structure/query.json?criteria=[id$in315,549,1089]&order=id$desc");
    assert.deepEqual(inList.body.msg.map((r: any) => r.acronym), ["HPF", "TH", "Isocortex"]);
    const byGene = await get("api/v2/data/SectionDataSet/query.json?criteria=plane_of_section[name$eq'coronal']&include=genes");
    assert.ok(byGene.body.msg.length >= 1);
    assert.ok(byGene.body.msg.every((r: any) => r.plane_of_section_id === 1 && Array.isArray(r.genes)));
    const only = await get("api/v2/data/Structure/query.json?criteria=[depth$gt6]&only=id,acronym&num_rows=3");
    assert.deepEqual(Object.keys(only.body.msg[0]), ["id", "acronym"]);
  });

  it("answers a query it cannot run as the real API does: success:false with HTTP 200 and the reason in msg", async () => {
    for (const [suffix, message] of [
      ["api/v2/data/Nope/query.json", /unknown model Nope/],
      ["api/v2/data/Structure/query.json?criteria=[id$eq1", /unbalanced/],
      ["api/v2/data/Structure/query.json?criteria=[colour$eq1]", /unknown attribute colour/],
      ["api/v2/data/Structure/query.xml", /json only/],
    ] as const) {
      const { status, body } = await get(suffix);
      assert.equal(status, 200, suffix);
      assert.deepEqual(Object.keys(body).sort(), ["msg", "success"], suffix);
      assert.equal(body.success, false, suffix);
      assert.match(body.msg, message, suffix);
    }
  });

  it("answers an empty result as `msg: {}` without total_rows (the real API's shape), also for an unknown id", async () => {
    for (const suffix of ["api/v2/data/Structure/query.json?criteria=[acronym$eq'NoSuchThing']", "api/v2/data/SectionDataSet/1.json"]) {
      const { status, body } = await get(suffix);
      assert.equal(status, 200, suffix);
      assert.deepEqual(body, { success: true, id: 0, start_row: 0, num_rows: 0, msg: {} }, suffix);
    }
  });

  it("over-counts total_rows for queries with include= (the joined rows), as the real API does; exact without include", async () => {
    const loose = await get("api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]&include=well_known_files[path$li'*']");
    assert.equal(loose.body.num_rows, 1);
    assert.equal(loose.body.total_rows, loose.body.msg[0].well_known_files.length);
    assert.ok(loose.body.total_rows > 1);
    const strict = await get("api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]&include=well_known_files[path$li'*atlasVolume.zip']");
    assert.deepEqual([strict.body.num_rows, strict.body.total_rows], [1, 1]);
    assert.equal((await get("api/v2/data/ReferenceSpace/query.json?criteria=[id$eq10]")).body.total_rows, 1);
  });

  it("answers downloads and unknown paths with their status: 404 for unknown files and data sets, 400 for an unknown grid volume, 405 for POST", async () => {
    for (const [suffix, status, message] of [
      ["api/v2/well_known_file_download/999", 404, /WellKnownFile 999 does not exist/],
      ["grid_data/download/999", 404, /SectionDataSet 999/],
      ["grid_data/download/69855739?include=colour", 400, /unknown grid volume colour/],
      ["nowhere", 404, /no such resource/],
    ] as const) {
      const { status: got, body } = await get(suffix);
      assert.equal(got, status, suffix);
      assert.equal(body.success, false, suffix);
      assert.match(body.msg, message, suffix);
    }
    const post = await request(`${api}api/v2/data/Structure/query.json`, { method: "POST", acceptStatus: [405], retry: false });
    assert.equal(post.status, 405);
  });

  it("answers `grid_data/download/<id>&include=...` (a `&` for the `?`) with the default zip, as the real server did", async () => {
    const junk = readZip((await request(`${api}grid_data/download/69855739&include=energy,density,intensity`)).body);
    const plain = readZip((await request(`${api}grid_data/download/69855739`)).body);
    assert.deepEqual(junk.map((e) => e.name), plain.map((e) => e.name));
  });

  it("serves the ontology as a nested tree at structure_graph_download/1.json, consistent with the flat rows", async () => {
    const { body } = await get("api/v2/structure_graph_download/1.json");
    assert.equal(body.msg.length, 1);
    const root = body.msg[0];
    assert.deepEqual([root.id, root.acronym], [997, "root"]);
    let count = 0;
    const walk = (node: any, path: number[]) => {
      count++;
      assert.equal(node.structure_id_path, `/${[...path, node.id].join("/")}/`);
      for (const child of node.children) walk(child, [...path, node.id]);
    };
    walk(root, []);
    const flat = await get("api/v2/data/Structure/query.json?criteria=[graph_id$eq1]&num_rows=1");
    assert.equal(count, flat.body.total_rows);
    assert.equal((await get("api/v2/structure_graph_download/17.json")).status, 404);
  });

  it("serves one record by id with its includes", async () => {
    const { body } = await get("api/v2/data/SectionDataSet/69855739.json?include=genes,plane_of_section");
    assert.equal(body.msg[0].id, 69855739);
    assert.equal(body.msg[0].plane_of_section.name, "sagittal");
    assert.match(body.msg[0].genes[0].name, /placeholder/);
  });

  it("grid zips hold data_set.xml, energy.raw and energy.mhd in the real zip's order (67x41x58 float32 LE, -1 outside the brain); include drops data_set.xml", async () => {
    const zip = (await request(`${api}grid_data/download/69855739`)).body;
    const entries = readZip(zip);
    assert.deepEqual(entries.map((e) => e.name), ["data_set.xml", "energy.raw", "energy.mhd"]);
    const mhd = entries[2].read().toString();
    assert.match(mhd, /^ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n/);
    assert.match(mhd, /DimSize = 67 41 58\nElementType = MET_FLOAT\nElementDataFile = energy.raw\n$/);
    const raw = entries[1].read();
    assert.equal(raw.length, 637_304);
    assert.equal(raw.readFloatLE(0), -1, "a corner voxel is outside the brain");
    const header = parseMetaImageHeader(mhd);
    const data = decodeVoxels(raw, header) as Float32Array;
    const range = allen.valueRange({ data });
    assert.ok(range.count > 10_000 && range.min >= 0 && range.max < 100, JSON.stringify(range));
    const centreRight = 33 + 67 * (20 + 41 * 10);
    const centreLeft = 33 + 67 * (20 + 41 * 45);
    assert.equal(data[centreRight], -1, "a sagittal set samples one hemisphere");
    assert.ok(data[centreLeft] > 0);
    let jumps = 0;
    for (let x = 1; x < 67; x++) {
      const a = data[x - 1 + 67 * (20 + 41 * 45)];
      const b = data[x + 67 * (20 + 41 * 45)];
      if (a >= 0 && b >= 0 && Math.abs(a - b) > 3) jumps++;
    }
    assert.equal(jumps, 0, "the expression pattern is smooth");
    const partial = readZip((await request(`${api}grid_data/download/69855739?include=energy,intensity`)).body);
    assert.deepEqual(partial.map((e) => e.name), ["energy.raw", "energy.mhd", "intensity.raw", "intensity.mhd"]);
  });

  it("numpy reads the demo's energy.raw as the same little-endian float32 grid", async () => {
    const dir = tempDir().dir;
    try {
      await allen.downloadGridFile(69855739, dir, { api });
      const volume = await allen.readVolume(path.join(dir, "energy.mhd"));
      const script = "import numpy as np,sys,json\na=np.fromfile(sys.argv[1],dtype='<f4').reshape(58,41,67)\nprint(json.dumps([list(a.shape), int((a==-1).sum()), float(a[45,20,33])]))";
      const [shape, noData, centre] = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, path.join(dir, "energy.raw")]).toString());
      assert.deepEqual(shape, [58, 41, 67], "C order (z, y, x): x is the fastest axis");
      assert.equal(noData, allen.valueRange(volume).noDataCount);
      assert.equal(centre, volume.data[33 + 67 * (20 + 41 * 45)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is deterministic: two servers serve identical zips and rows", async () => {
    const other = await startAllenDemo();
    try {
      for (const suffix of ["grid_data/download/69855739", "api/v2/well_known_file_download/1010001"]) {
        const a = (await request(api + suffix)).body;
        const b = (await request(other.info.url + suffix)).body;
        assert.ok(a.equals(b), suffix);
      }
      const rowsA = await requestJson(`${api}api/v2/data/Structure/query.json?num_rows=2000`);
      const rowsB = await requestJson(`${other.info.url}api/v2/data/Structure/query.json?num_rows=2000`);
      assert.deepEqual(rowsA, rowsB);
    } finally {
      await other.close();
    }
  });

  it("the atlasVolume zip holds atlasVolume/atlasVolume.{mhd,raw} as uint8, and HEAD answers without a body", async () => {
    const entries = readZip((await request(`${api}api/v2/well_known_file_download/1010001`)).body);
    assert.deepEqual(entries.map((e) => e.name), ["atlasVolume/atlasVolume.mhd", "atlasVolume/atlasVolume.raw"]);
    assert.match(entries[0].read().toString(), /ElementType = MET_UCHAR/);
    assert.equal(entries[1].size, 67 * 41 * 58);
    const head = await request(`${api}api/v2/well_known_file_download/1010001`, { method: "HEAD" });
    assert.equal(head.body.length, 0);
    assert.equal(head.headers.get("content-type"), "application/zip");
  });
});
