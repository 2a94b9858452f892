import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startDemo, type Demo } from "../../demo/src/index.js";
import { runNotebook } from "../../lib/notebooks/index.js";
import { PACKAGE_ROOT } from "../../lib/notebooks/toolchain.js";
import { writeNotebook } from "../helpers/notebooks.js";

const WORK = path.join(PACKAGE_ROOT, "build", "test-services");

interface Output {
  output_type: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

const joined = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join("") : value ?? "");
/** Every text an output carries (stream text and each text/* representation). */
const textOf = (outputs: Output[]) => outputs.map((o) => joined(o.text) + Object.entries(o.data ?? {}).filter(([mime]) => mime.startsWith("text/")).map(([, v]) => joined(v)).join("\n")).join("\n");

/**
 * In the real tslab kernel, cells ending in the services object, a service entry, an XNAT
 * connection (with a live session) or a bucket show what is used, never a password, a secret
 * key or a session id; tslab prints a cell's last value with util.inspect (its executor calls
 * console.log on it).
 */
describe("services, connections and buckets displayed in the tslab kernel @notebook", function () {
  this.timeout(300_000);
  let demo: Demo;
  let cells: Output[][];
  let realCells: Output[][];
  let raw: string;

  const CELLS = [
    'import { services, xnat, s3 } from "neuroportal";\nconst svc = await services();',
    "svc",
    "svc.xnat",
    "svc.s3",
    "const cdb = await xnat.connect(svc.xnat.url, { user: svc.xnat.user, password: svc.xnat.password });\nawait cdb.project(\"HCP_Q1\").subjects();\ncdb",
    'const bucket = s3.fromServices(svc);\nawait bucket.ls("q1/", { delimiter: "/" });\nbucket',
    "console.log(svc, svc.xnat, cdb, bucket);\nJSON.stringify({ services: svc, connection: cdb, bucket: bucket })",
    "svc.show()",
    "[svc, cdb]",
  ];

  before(async () => {
    demo = await startDemo();
    const notebook = path.join(WORK, "services.ipynb");
    writeNotebook(notebook, CELLS);
    const run = await runNotebook(notebook, { outDir: path.join(WORK, "demo"), env: { NEUROPORTAL_DEMO: JSON.stringify(demo.info) }, html: false, timeoutSeconds: 200 });
    assert.equal(run.status, "ok", run.log);
    raw = fs.readFileSync(run.executed, "utf8");
    cells = JSON.parse(raw).cells.map((c: { outputs: Output[] }) => c.outputs);

    const real = path.join(WORK, "real.ipynb");
    writeNotebook(real, ['import { services } from "neuroportal";\nconst svc = await services();', "svc"]);
    const realRun = await runNotebook(real, {
      outDir: path.join(WORK, "real"),
      env: { NEUROPORTAL_MODE: "real", NEUROPORTAL_DEMO: JSON.stringify(demo.info), NEUROPORTAL_XNAT_USER: "someone", NEUROPORTAL_XNAT_PASSWORD: "real-mode-password-never-shown", AWS_ACCESS_KEY_ID: "AKIAREALMODENEVERSHOWN", AWS_SECRET_ACCESS_KEY: "real-mode-secret-never-shown" },
      html: false,
      timeoutSeconds: 120,
    });
    assert.equal(realRun.status, "ok", realRun.log);
    const realRaw = fs.readFileSync(realRun.executed, "utf8");
    raw += realRaw;
    realCells = JSON.parse(realRaw).cells.map((c: { outputs: Output[] }) => c.outputs);
  });
  after(() => demo?.close());

  it("a cell ending in svc says plainly which services are used, with their hosts", () => {
    const text = textOf(cells[1]);
    assert.match(text, /^neuroportal uses the demo services \(NEUROPORTAL_DEMO/);
    for (const url of [demo.info.allen!.url, demo.info.xnat!.url, demo.info.s3!.endpoint]) assert.ok(text.includes(url), url);
    assert.match(textOf(cells[2]), /xnat http:\/\/127\.0\.0\.1:\d+\/ \(demo; user demo, password set/);
    assert.match(textOf(cells[3]), /s3 http:\/\/127\.0\.0\.1:\d+\/ \(demo; region us-east-1; buckets .*; keys set\)/);
  });

  it("a connection with a live session and a bucket show their server only", () => {
    assert.match(textOf(cells[4]), /<XnatConnection http:\/\/127\.0\.0\.1:\d+\/ as demo>/);
    assert.match(textOf(cells[5]), /<Bucket s3:\/\/hcp\.aws\.amazon\.com\/ at http:\/\/127\.0\.0\.1:\d+\/>/);
  });

  it("svc.show() displays one output: an HTML table with the text as its fallback", () => {
    const [output] = cells[7];
    assert.equal(output.output_type, "display_data");
    assert.match(joined(output.data?.["text/html"]), /<div class="neuroportal-services"><p><b>neuroportal uses the demo services/);
    assert.match(joined(output.data?.["text/plain"]), /^neuroportal uses the demo services/);
  });

  it("in real mode (with NEUROPORTAL_DEMO also set) the kernel's services are the real ones", () => {
    const text = textOf(realCells[1]);
    assert.match(text, /^neuroportal uses the real services \(NEUROPORTAL_MODE=real\)/);
    assert.ok(text.includes("https://db.humanconnectome.org/") && text.includes("https://api.brain-map.org/") && text.includes("hcp-openaccess"));
    assert.ok(!text.includes("127.0.0.1"));
  });

  it("no output anywhere holds a password, a secret key, an access key or a session id", () => {
    const secrets = [demo.info.xnat!.password, demo.info.s3!.secretAccessKey, demo.info.s3!.accessKeyId, "real-mode-password-never-shown", "real-mode-secret-never-shown", "AKIAREALMODENEVERSHOWN"];
    for (const secret of secrets) assert.ok(!raw.includes(secret), `a secret appears in the executed notebook`);
    assert.doesNotMatch(raw, /\b[0-9A-F]{32}\b/i, "a 32-hex session id appears");
    assert.doesNotMatch(raw, /JSESSIONID|Basic [A-Za-z0-9+/=]{12,}/);
    assert.ok(cells.every((outputs) => !outputs.some((o) => o.output_type === "error")));
  });
});
