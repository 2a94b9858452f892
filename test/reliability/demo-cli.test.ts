import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../lib/cli/main.js";
import { rawRequest } from "./raw-http.js";

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const seen = { out: "", err: "" };
  stdout.on("data", (chunk) => (seen.out += chunk));
  stderr.on("data", (chunk) => (seen.err += chunk));
  return { io: { stdout, stderr, isTTY: false }, seen };
}

describe("reliability: `neuroportal demo` with fault flags", () => {
  let scratch: string;
  let previous: string | undefined;
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "np-demo-cli-"));
    previous = process.env.NEUROPORTAL_DEMO_FILE;
    process.env.NEUROPORTAL_DEMO_FILE = path.join(scratch, "demo.json");
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.NEUROPORTAL_DEMO_FILE;
    else process.env.NEUROPORTAL_DEMO_FILE = previous;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("injects the requested faults with the given seed and reports them per service when stopped", async () => {
    const { io, seen } = capture();
    const running = main(["demo", "--only", "allen", "--fault-error-rate", "1", "--fault-error-statuses", "503", "--fault-retry-after", "3", "--fault-seed", "5"], io);
    const deadline = Date.now() + 60_000;
    while (!seen.out.includes("\n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const info = JSON.parse(seen.out.split("\n")[0]);
    const answer = await rawRequest(info.allen.url, "/api/v2/data/Structure/query.json");
    assert.equal(answer.status, 503);
    assert.equal(answer.headers["retry-after"], "3");
    assert.match(seen.err, /with fault injection/);
    process.emit("SIGTERM");
    assert.equal(await running, 0);
    assert.match(seen.err, /allen: fault seed 5: 1 requests, 1 faulted \(error 1\)/);
  });

  it("refuses a bad fault flag with exit code 2, naming the flag", async () => {
    const { io, seen } = capture();
    assert.equal(await main(["demo", "--fault-drop-rate", "1.5"], io), 2);
    assert.match(seen.err, /--fault-drop-rate takes a fraction between 0 and 1/);
    assert.equal(seen.out, "");
  });
});
