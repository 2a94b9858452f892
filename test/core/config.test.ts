import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
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

  it("NEUROPORTAL_MODE=real wins over NEUROPORTAL_DEMO (and says so)", async () => {
    const svc = await services({ NEUROPORTAL_MODE: "real", NEUROPORTAL_DEMO: JSON.stringify(line) });
    assert.equal(svc.source, "real");
    assert.equal(svc.mode, "real");
    assert.equal(svc.xnat?.url, "https://db.humanconnectome.org/");
    const text = svc.describe();
    assert.match(text, /^neuroportal uses the real services \(NEUROPORTAL_MODE=real\):/);
    for (const host of ["https://api.brain-map.org/", "https://db.humanconnectome.org/", "https://s3.us-east-1.amazonaws.com/", "hcp-openaccess"]) assert.ok(text.includes(host), host);
    assert.ok(!text.includes("127.0.0.1"));
  });

  it("real mode takes the ConnectomeDB login from a private ~/.netrc when the environment has none, and says where it came from (one others can read is refused)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "np-netrc-"));
    const netrcFile = path.join(dir, "netrc");
    fs.writeFileSync(netrcFile, "machine db.humanconnectome.org login hcpuser password pw-from-netrc-file\n", { mode: 0o644 });
    fs.chmodSync(netrcFile, 0o644);
    await assert.rejects(services({ NEUROPORTAL_MODE: "real" }, { netrcFile }), (error: Error) => error.name === "NetrcPermissionError" && /chmod 600/.test(error.message) && !error.message.includes("pw-from-netrc-file"));
    fs.chmodSync(netrcFile, 0o600);
    const svc = await services({ NEUROPORTAL_MODE: "real" }, { netrcFile });
    assert.equal(svc.xnat?.user, "hcpuser");
    assert.equal(svc.xnat?.password, "pw-from-netrc-file");
    assert.match(svc.describe(), /user hcpuser, password set \(~\/\.netrc\)/);
    const none = await services({ NEUROPORTAL_MODE: "real" }, { netrcFile: path.join(dir, "missing") });
    assert.match(none.describe(), /no credentials: set NEUROPORTAL_XNAT_USER and NEUROPORTAL_XNAT_PASSWORD, or add the host to ~\/\.netrc/);
    assert.match(none.describe(), /keys from the standard AWS chain .* the HCP buckets need signed requests/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the services, a service entry, JSON and the HTML view never show a password or secret key, at any depth; the getters still give them", async () => {
    const secrets = { password: "pw-never-shown-1", accessKeyId: "AKIANEVERSHOWN0001", secretAccessKey: "sk-never-shown-0001" };
    const withS3 = { ...line, xnat: { ...line.xnat, password: secrets.password }, s3: { endpoint: "http://127.0.0.1:3/", region: "us-east-1", accessKeyId: secrets.accessKeyId, secretAccessKey: secrets.secretAccessKey, buckets: ["hcp-openaccess"] } };
    const svc = await services({ NEUROPORTAL_DEMO: JSON.stringify(withS3) });
    assert.equal(svc.xnat?.password, secrets.password);
    assert.equal(svc.s3?.secretAccessKey, secrets.secretAccessKey);
    const shown = [
      inspect(svc, { depth: Infinity, showHidden: true }),
      inspect(svc.xnat, { depth: Infinity, showHidden: true }),
      inspect(svc.s3, { depth: Infinity, showHidden: true }),
      inspect({ svc }, { depth: Infinity }),
      JSON.stringify(svc),
      JSON.stringify(svc.xnat),
      svc.describe(),
      svc.toHTML(),
      String(Object.entries(svc)),
    ].join("\n");
    for (const secret of Object.values(secrets)) assert.ok(!shown.includes(secret), `${secret} is shown`);
    assert.match(inspect(svc), /^neuroportal uses the demo services \(NEUROPORTAL_DEMO/);
    assert.match(inspect(svc), /xnat http:\/\/127\.0\.0\.1:2\/ \(demo; user demo, password set/);
    assert.match(svc.toHTML(), /<table><tr><th style="text-align:left">allen<\/th>/);
    assert.deepEqual(JSON.parse(JSON.stringify(svc)).xnat, { url: "http://127.0.0.1:2/", user: "demo", origin: "demo", credentialsFrom: "the demo's login" });
  });

  it("an overridden service says which variable set it", async () => {
    const svc = await services({ NEUROPORTAL_DEMO: JSON.stringify(line), NEUROPORTAL_XNAT_URL: "https://xnat.example.org" });
    assert.match(svc.describe(), /xnat https:\/\/xnat\.example\.org\/ \(set by NEUROPORTAL_XNAT_URL; user demo/);
    assert.match(svc.describe(), /allen http:\/\/127\.0\.0\.1:1\/ \(demo; no credentials needed\)/);
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
