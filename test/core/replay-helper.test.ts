import { strict as assert } from "node:assert";
import { fact, fixtureBody, fixtures, recordedRoute, routeAt, startReplay, type ReplayServer } from "../helpers/replay.js";

describe("the replay server of the recorded real answers (test/helpers/replay.ts)", () => {
  let replay: ReplayServer | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  it("every recording listed in index.json is present with the recorded SHA-256 and size", () => {
    const all = fixtures();
    assert.ok(all.length >= 20, `${all.length} recordings`);
    for (const entry of all) assert.equal(fixtureBody(entry).length, entry.bytes, entry.file);
    assert.equal(fact("xnat-unknown-type-400").response?.status, 400);
  });

  it("answers a recorded request with the recorded status, content type, headers and bytes; extra query parameters still match", async () => {
    const redirect = fixtures("s3").find((f) => f.file === "s3/aws-error-permanentredirect-301.xml")!;
    replay = await startReplay([recordedRoute("allen/rma-error-success-false-200.json"), recordedRoute(redirect)]);
    const ok = await fetch(`${replay.url}api/v2/data/query.json?criteria=service::human_microarray_expression[probes$eq1051154]&start_row=0&num_rows=2000`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(Buffer.from(await ok.arrayBuffer()), fixtureBody("allen/rma-error-success-false-200.json"));
    const moved = await fetch(`${replay.url}20240309-161244`, { method: "PUT", body: "x", redirect: "manual" });
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get("x-amz-bucket-region"), "us-east-1");
    assert.equal(replay.unmatched.length, 0);
  });

  it("a call no route matches is answered 599 and recorded, so it never passes for a recording", async () => {
    replay = await startReplay([routeAt("GET", "/only", { status: 204, body: "" })]);
    const response = await fetch(`${replay.url}api/v2/data/query.json?criteria=x`);
    assert.equal(response.status, 599);
    assert.match(await response.text(), /no recorded answer for GET \/api\/v2\/data\/query\.json\?criteria=x/);
    assert.equal(replay.unmatched.length, 1);
    assert.equal(replay.calls.length, 1);
  });
});
