import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { listenLoopback } from "../../demo/src/loopback";
import { objectPath, resolveObjectEndpoint } from "../../lib/s3/object-reader";
import * as s3 from "../../lib/s3/index";
import { demo, faultProxy, MOTOR_PREFIX, tempDir } from "./fixtures";
import { toBucketOptions, toClientConfig } from "../../lib/s3/options.js";

const BUCKET = "hcp.aws.amazon.com";
const FAST = { baseDelayMs: 1, maxDelayMs: 5 };

describe("s3: object GETs outside the SDK's middleware (endpoint rules, signing, errors)", function () {
  this.timeout(60_000);
  let service: Awaited<ReturnType<typeof demo>>;
  let temp: ReturnType<typeof tempDir>;
  const opened: { close(): unknown }[] = [];

  before(async () => {
    service = await demo({ layout: "q1" });
    temp = tempDir();
  });
  after(async () => {
    for (const item of opened) await item.close();
    await service?.close();
    temp?.remove();
  });

  async function endpointFor(bucket: string, options: s3.BucketOptions) {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const { S3Client } = await import("@aws-sdk/client-s3");
    const config = toClientConfig({ credentials: { accessKeyId: "a", secretAccessKey: "b" }, ...options });
    const client = new S3Client(config);
    try {
      const resolved = await resolveObjectEndpoint(client, { bucket, region: config.region as string, endpoint: config.endpoint as string | undefined, forcePathStyle: config.forcePathStyle ?? false });
      return resolved && { url: resolved.base.href, region: resolved.signingRegion, service: resolved.signingService };
    } finally {
      client.destroy();
    }
  }

  it("resolves each bucket's object endpoint with the SDK's own rules", async () => {
    assert.deepEqual(await endpointFor("hcp-openaccess", {}), { url: "https://hcp-openaccess.s3.us-east-1.amazonaws.com/", region: "us-east-1", service: "s3" });
    assert.deepEqual(await endpointFor("hcp.aws.amazon.com", {}), { url: "https://s3.us-east-1.amazonaws.com/hcp.aws.amazon.com", region: "us-east-1", service: "s3" }, "dotted names need path style over https");
    assert.deepEqual(await endpointFor("hcp-openaccess", { region: "eu-west-1" }), { url: "https://hcp-openaccess.s3.eu-west-1.amazonaws.com/", region: "eu-west-1", service: "s3" });
    assert.deepEqual(await endpointFor("demo", { endpoint: "http://127.0.0.1:9/" }), { url: "http://127.0.0.1:9/demo", region: "us-east-1", service: "s3" });
    assert.equal(await endpointFor("demo--use1-az4--x-s3", {}), undefined, "S3 Express session auth is left to the SDK's GetObject");
  });

  it("encodes keys segment by segment, keeping the slashes, as S3 signs them", () => {
    assert.equal(objectPath(new URL("http://127.0.0.1:9/demo"), "a b/c+d!(x)*'.txt"), "/demo/a%20b/c%2Bd%21%28x%29%2A%27.txt");
    assert.equal(objectPath(new URL("https://b.s3.us-east-1.amazonaws.com/"), "q1/100307/T1w/T1w_acpc_dc.nii.gz"), "/q1/100307/T1w/T1w_acpc_dc.nii.gz");
    assert.equal(objectPath(new URL("https://b.s3.us-east-1.amazonaws.com/"), "sujet/é.txt"), "/sujet/%C3%A9.txt");
  });

  it("reads and downloads keys with spaces, plus signs, brackets and accents through the signature check", async () => {
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const writer = new S3Client(toClientConfig(toBucketOptions(service.info)));
    const keys = ["odd/a b+c.txt", "odd/(draft) v1!.txt", "odd/sujet-é/notes*.txt"];
    try {
      for (const key of keys) await writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `content of ${key}\n` }));
    } finally {
      writer.destroy();
    }
    const bucket = s3.fromServices({ s3: service.info }, BUCKET);
    opened.push(bucket);
    for (const key of keys) assert.equal(await bucket.getText(key), `content of ${key}\n`);
    const summary = await bucket.download("odd/", temp.dir);
    assert.equal(summary.downloaded, keys.length, JSON.stringify(summary.failures));
    assert.ok(summary.files.every((file) => file.verifiedBy === "md5-etag"));
    for (const key of keys) assert.equal(fs.readFileSync(path.join(temp.dir, key), "utf8"), `content of ${key}\n`);
  });

  it("raises typed not-found and access errors without the secret", async () => {
    const bucket = s3.fromServices({ s3: service.info }, BUCKET);
    opened.push(bucket);
    const missing = await bucket.getText("q1/100307/no-such-file.txt").catch((error: unknown) => error);
    assert.ok(s3.isS3NotFoundError(missing), String(missing));
    assert.equal(missing.s3Code, "NoSuchKey");
    assert.equal(missing.status, 404);
    assert.match(missing.message, /s3:\/\/hcp\.aws\.amazon\.com\/q1\/100307\/no-such-file\.txt/);
    const wrong = s3.bucket(BUCKET, { endpoint: service.info.endpoint, credentials: { accessKeyId: service.info.accessKeyId, secretAccessKey: "not-the-secret-at-all" } });
    opened.push(wrong);
    const denied = await wrong.getText(`${MOTOR_PREFIX}EVs/lf.txt`).catch((error: unknown) => error);
    assert.ok(s3.isS3AccessError(denied), String(denied));
    assert.equal(denied.s3Code, "SignatureDoesNotMatch");
    assert.ok(!JSON.stringify({ message: denied.message, hint: denied.hint }).includes("not-the-secret-at-all"));
  });

  it("fetches a small object again after a 503 and download files after a 500 and a 429, and all succeed", async () => {
    const key = `${MOTOR_PREFIX}EVs/lf.txt`;
    const proxy = await faultProxy(service.info.endpoint, [
      { match: (p) => p.endsWith("/EVs/lf.txt"), htmlStatus: 503, times: 1 },
      { match: (p) => p.endsWith("/EVs/rf.txt"), htmlStatus: 500, times: 1 },
      { match: (p) => p.endsWith("/EVs/t.txt"), htmlStatus: 429, times: 1 },
    ]);
    const bucket = s3.bucket(BUCKET, { ...toBucketOptions(service.info), endpoint: proxy.url, retry: FAST });
    opened.push(proxy, bucket);
    const direct = s3.fromServices({ s3: service.info }, BUCKET);
    opened.push(direct);
    assert.equal(await bucket.getText(key), await direct.getText(key));
    const lfRequests = proxy.requests.filter((r) => r.method === "GET" && r.path.endsWith("/EVs/lf.txt"));
    assert.equal(lfRequests.length, 2, "the 503 was answered, then the read repeated once");
    const dir = path.join(temp.dir, "retry");
    const summary = await bucket.download([`${MOTOR_PREFIX}EVs/rf.txt`, `${MOTOR_PREFIX}EVs/t.txt`], dir);
    assert.equal(summary.downloaded, 2, JSON.stringify(summary.failures));
    for (const name of ["rf.txt", "t.txt"]) assert.equal(fs.readFileSync(path.join(dir, MOTOR_PREFIX, "EVs", name), "utf8"), await direct.getText(`${MOTOR_PREFIX}EVs/${name}`));
    assert.equal(proxy.requests.filter((r) => r.method === "GET" && r.path.endsWith("/EVs/t.txt")).length, 2, "the 429 was answered, then the file fetched again");
  });

  it("names the bucket's region when S3 redirects to it", async () => {
    const server = await listenLoopback((_req: http.IncomingMessage, res: http.ServerResponse) => {
      const body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>";
      res.writeHead(301, { "content-type": "application/xml", "x-amz-bucket-region": "eu-west-1", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    const bucket = s3.bucket("elsewhere", { endpoint: server.url, credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret-example-value" }, maxAttempts: 1 });
    opened.push(server, bucket);
    const error = await bucket.getText("file.txt").catch((e: unknown) => e);
    assert.ok(s3.isS3Error(error), String(error));
    assert.equal(error.s3Code, "PermanentRedirect");
    assert.equal(error.status, 301);
    assert.match(error.message, /region eu-west-1/);
    assert.match(error.hint ?? "", /region/);
  });
  it("lets a script that never closes its bucket exit as soon as its reads are done", async () => {
    const script = path.join(temp.dir, "never-closed.ts");
    const library = path.resolve(__dirname, "../../lib/s3/index.ts");
    const options = toBucketOptions(service.info);
    fs.writeFileSync(script, `import * as s3 from ${JSON.stringify(library)};\ns3.bucket(${JSON.stringify(BUCKET)}, ${JSON.stringify(options)}).getText(${JSON.stringify(`${MOTOR_PREFIX}EVs/lf.txt`)}).then((text) => setImmediate(() => console.log(JSON.stringify({ length: text.length, alive: process.getActiveResourcesInfo() }))));\n`);
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: path.resolve(__dirname, "../.."), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    clearTimeout(timer);
    assert.equal(signal, null, "the process did not exit on its own (an open connection kept it alive)");
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { length: number; alive: string[] };
    assert.ok(report.length > 0, stdout);
    assert.deepEqual(report.alive.filter((resource) => /TCP|TLS/i.test(resource)), [], "no connection holds the event loop once the read is done");
  });
});
