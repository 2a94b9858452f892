import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import { fixture, fixtureBody, fixtureText, recordedAnswer, recordedRoute, routeAt, startReplay, REAL_FIXTURES, type ReplayServer } from "../helpers/replay.js";
import { tempDir } from "../helpers/files.js";

/**
 * The client against the Allen API's own answers (test/fixtures/real/allen), replayed over
 * loopback: each recorded shape must come out as a correct result or the right typed error.
 */
describe("allen client against the recorded real answers", () => {
  let replay: ReplayServer | undefined;
  let scratch: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
    scratch?.remove();
    scratch = undefined;
  });

  it("a normal page (11 of 11 Gene rows): every row, one request", async () => {
    replay = await startReplay([recordedRoute("allen/rma-normal-gene-only.json")]);
    const f = fixture("allen/rma-normal-gene-only.json");
    const url = `${replay.url}api/v2/data/Gene/query.json?criteria=${f.request!.query.criteria}&only=${f.request!.query.only}`;
    const rows = await allen.query(url);
    assert.equal(rows.length, 11);
    assert.deepEqual(rows[0], { acronym: "Thbs1", name: "thrombospondin 1" });
    assert.equal(replay.calls.length, 1);
    assert.deepEqual(replay.unmatched, []);
  });

  it("an empty result written as `msg: {}` without total_rows: zero rows, one request, no warning", async () => {
    replay = await startReplay([recordedRoute("allen/rma-empty-msg-object.json")]);
    const warnings: allen.PagingWarning[] = [];
    const rows = await allen.query(`${replay.url}api/v2/data/query.json?criteria=service::mouse_connectivity_injection_structure[injection_structures$eq228]`, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(rows, []);
    assert.equal(replay.calls.length, 1);
    assert.deepEqual(warnings, []);
  });

  it("success:false answered with HTTP 200: RmaError with the server's message and status 200", async () => {
    replay = await startReplay([recordedRoute("allen/rma-error-success-false-200.json")]);
    const recorded = JSON.parse(fixtureText("allen/rma-error-success-false-200.json")) as { msg: string };
    const url = `${replay.url}api/v2/data/query.json?criteria=service::human_microarray_expression[probes$eq1051154]`;
    await assert.rejects(allen.query(url), (e: unknown) => allen.isRmaError(e) && e.status === 200 && e.serverMessage === recorded.msg && e.code === "E_RMA" && e.url!.startsWith(url));
  });

  it("total_rows over-counted with include= (1 row back, 9440 claimed): the row is returned after one confirming request, the claim reported as a warning", async () => {
    const f = fixture("allen/rma-overcounted-include-472451419.json");
    const q = f.request!.query.q;
    const firstPage = recordedAnswer(f);
    // Only the first page is recorded; the confirming request at the next row gets the recorded empty shape.
    const empty = recordedAnswer("allen/rma-empty-msg-object.json");
    replay = await startReplay([
      {
        match: (call) => call.path === f.request!.path && (call.query.get("q") ?? "").startsWith(q),
        answer: (call) => (/\[start_row\$eq0\]/.test(call.query.get("q") ?? "") ? firstPage : empty),
      },
    ]);
    const warnings: allen.PagingWarning[] = [];
    const requested: string[] = [];
    const rows = await allen.query(`${replay.url}api/v2/data/query.json?q=${q}`, { onWarning: (w) => warnings.push(w), onRequest: (u) => requested.push(u) });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, 472451419);
    assert.equal(requested.length, 2, requested.join("\n"));
    assert.match(requested[1], /rma::options\[start_row\$eq1\]\[num_rows\$eq2000\]$/);
    assert.deepEqual(warnings.map((w) => [w.kind, w.received, w.claimedTotal]), [["total-rows-unmet", 1, 9440]]);
    assert.deepEqual(replay.unmatched, []);
  });

  it("the real grid zip (data_set.xml, energy.raw, energy.mhd in that order): energy.mhd and energy.raw come back in the order asked for and read as 67x41x58 float32", async () => {
    scratch = tempDir();
    replay = await startReplay([routeAt("GET", "/grid_data/download/69289763", recordedAnswer("allen/grid-69289763.zip"))]);
    const written = await allen.downloadGridFile(69289763, scratch.dir, { api: replay.url });
    assert.deepEqual(written.map((p) => path.basename(p)), ["energy.mhd", "energy.raw"]);
    const volume = await allen.readVolume(written[0]);
    assert.deepEqual(volume.dims, [67, 41, 58]);
    assert.equal(volume.elementType, "MET_FLOAT");
    assert.equal(volume.data.length, 67 * 41 * 58);
    let noData = 0;
    for (const value of volume.data) if (value === -1) noData++;
    assert.equal(noData, 121_768);
    assert.deepEqual(fs.readFileSync(written[0]), fixtureBody("allen/grid-energy-69289763.mhd"), "the header inside the zip is the recorded one");
  });

  it("MetaImage headers the reader cannot honour (compressed data, 4 channels) are refused with MetaImageError, never read as voxels", async () => {
    scratch = tempDir();
    for (const name of ["itk-compressed-2d.mhd", "itk-4-channel-2d.mhd"]) {
      const target = path.join(scratch.dir, name);
      fs.writeFileSync(target, fixtureBody(`allen/${name}`));
      await assert.rejects(allen.readVolume(target), allen.isMetaImageError, name);
    }
    assert.ok(fs.existsSync(path.join(REAL_FIXTURES, "allen", "itk-4-channel-2d.mhd")));
  });
});
