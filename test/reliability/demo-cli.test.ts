import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../lib/cli/main.js";
import { captureIo } from "../helpers/capture-io.js";
import { rawRequest } from "./raw-http.js";

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
    const { io, out, err } = captureIo();
    const running = main(["demo", "--only", "allen", "--fault-error-rate", "1", "--fault-error-statuses", "503", "--fault-retry-after", "3", "--fault-seed", "5"], io);
    const deadline = Date.now() + 60_000;
    while (!out().includes("\n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const info = JSON.parse(out().split("\n")[0]);
    const answer = await rawRequest(info.allen.url, "/api/v2/data/Structure/query.json");
    assert.equal(answer.status, 503);
    assert.equal(answer.headers["retry-after"], "3");
    assert.match(err(), /with fault injection/);
    process.emit("SIGTERM");
    assert.equal(await running, 0);
    assert.match(err(), /allen: fault seed 5: 1 requests, 1 faulted \(error 1\)/);
  });

  it("refuses a bad fault flag with exit code 2, naming the flag", async () => {
    const { io, out, err } = captureIo();
    assert.equal(await main(["demo", "--fault-drop-rate", "1.5"], io), 2);
    assert.match(err(), /--fault-drop-rate takes a fraction between 0 and 1/);
    assert.equal(out(), "");
  });
});
