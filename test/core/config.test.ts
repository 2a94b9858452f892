import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { services } from "../../lib/config/services.js";
import { writeDemoState, readDemoState, clearDemoState } from "../../lib/config/demo-state.js";
import { isInvalidArgumentError } from "../../lib/errors.js";
import { redact } from "../../lib/core/redact.js";

describe("config: where the services come from", () => {
  const line = { allen: { url: "http://127.0.0.1:1/" }, xnat: { url: "http://127.0.0.1:2/", user: "demo", password: "pw-from-demo-line" } };

  it("reads the demo JSON line from NEUROPORTAL_DEMO and registers its secrets", async () => {
    const svc = await services({ NEUROPORTAL_DEMO: JSON.stringify(line) });
    assert.equal(svc.source, "env");
    assert.equal(svc.allen?.url, "http://127.0.0.1:1/");
    assert.equal(redact("pw-from-demo-line"), "***");
  });

  it("lets one service be overridden and adds the trailing slash", async () => {
    const svc = await services({ NEUROPORTAL_DEMO: JSON.stringify(line), NEUROPORTAL_ALLEN_URL: "https://api.example.org" });
    assert.equal(svc.allen?.url, "https://api.example.org/");
    assert.equal(svc.xnat?.url, "http://127.0.0.1:2/");
  });

  it("points at the public services in real mode", async () => {
    const svc = await services({ NEUROPORTAL_MODE: "real", NEUROPORTAL_XNAT_USER: "me", NEUROPORTAL_XNAT_PASSWORD: "pw-real-mode" });
    assert.equal(svc.source, "real");
    assert.equal(svc.allen?.url, "https://api.brain-map.org/");
    assert.equal(svc.xnat?.user, "me");
    assert.deepEqual(svc.s3?.buckets, ["hcp-openaccess"]);
  });

  it("rejects a malformed NEUROPORTAL_DEMO with a clear error", async () => {
    const error = await services({ NEUROPORTAL_DEMO: "{not json" }).catch((e) => e);
    assert.ok(isInvalidArgumentError(error));
    assert.match(error.message, /neuroportal demo/);
  });

  it("finds a running demo through its state file, readable by the owner only", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "np-state-")), "demo.json");
    writeDemoState(line, file);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readDemoState(file), line);
    clearDemoState(file);
    assert.equal(fs.existsSync(file), false);
  });
});
