import { strict as assert } from "node:assert";
import * as s3 from "../../lib/s3/index";
import { demo, SEED_SUBJECT_LISTING } from "./fixtures";
import { parseS3Location, toBucketOptions, toClientConfig } from "../../lib/s3/options.js";

const BUCKET = "hcp.aws.amazon.com";

describe("s3: access rules (real s3rver behind the credentials gate)", function () {
  this.timeout(60_000);
  let gated: Awaited<ReturnType<typeof demo>>;
  let open: Awaited<ReturnType<typeof demo>>;
  const handles: s3.Bucket[] = [];
  const handle = (bucket: s3.Bucket) => (handles.push(bucket), bucket);

  before(async () => {
    [gated, open] = await Promise.all([demo({ layout: "q1" }), demo({ layout: "q1", requireCredentials: false })]);
  });
  after(async () => {
    handles.forEach((bucket) => bucket.close());
    await Promise.all([gated?.close(), open?.close()]);
  });

  it("lists with the demo keys (signature V4 verified)", async () => {
    const bucket = handle(s3.bucket(BUCKET, { endpoint: gated.info.endpoint, credentials: { accessKeyId: gated.info.accessKeyId, secretAccessKey: gated.info.secretAccessKey } }));
    assert.deepEqual((await bucket.entries("q1/100307/", { delimiter: "/" })).map((e) => e.key), SEED_SUBJECT_LISTING);
  });

  it("answers unsigned requests with AccessDenied, like hcp-openaccess, with a hint about HCP keys", async () => {
    const bucket = handle(s3.bucket(BUCKET, { endpoint: gated.info.endpoint, anonymous: true }));
    await assert.rejects(bucket.ls("q1/", { delimiter: "/" }), (error: unknown) => {
      assert.ok(s3.isS3AccessError(error));
      assert.equal(error.s3Code, "AccessDenied");
      assert.equal(error.status, 403);
      assert.match(error.hint ?? "", /refuses unsigned requests/);
      assert.match(error.hint ?? "", /ConnectomeDB/, "the HCP bucket's hint says where keys come from");
      assert.doesNotMatch(`${error.message} ${error.hint}`, /anonymous/, "no 'try anonymous' for a bucket that needs signatures");
      return true;
    });
    await assert.rejects(bucket.getText("q1/100307/release-notes/Structural_preproc.txt"), s3.isS3AccessError);
  });

  it("rejects a wrong secret and an unknown key id without revealing the secret", async () => {
    const wrong = handle(s3.bucket(BUCKET, { endpoint: gated.info.endpoint, credentials: { accessKeyId: gated.info.accessKeyId, secretAccessKey: "this-is-the-wrong-secret" } }));
    await assert.rejects(wrong.entries("q1/"), (error: unknown) => s3.isS3AccessError(error) && error.s3Code === "SignatureDoesNotMatch" && !error.message.includes("this-is-the-wrong-secret"));
    const unknown = handle(s3.bucket(BUCKET, { endpoint: gated.info.endpoint, credentials: { accessKeyId: "AKIAUNKNOWN", secretAccessKey: gated.info.secretAccessKey } }));
    await assert.rejects(unknown.head("q1/"), (error: unknown) => s3.isS3AccessError(error) && !error.message.includes(gated.info.secretAccessKey));
  });

  it("allows anonymous (unsigned) access when the demo is opened up, while still checking signatures", async () => {
    const anonymous = handle(s3.bucket(BUCKET, { endpoint: open.info.endpoint, anonymous: true }));
    assert.deepEqual((await anonymous.entries("q1/100307/", { delimiter: "/" })).map((e) => e.key), SEED_SUBJECT_LISTING);
    assert.match(await anonymous.getText("q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/EVs/lf.txt"), /^\d+\.\d{3}\t12\.0\t1\n/);
    const wrong = handle(s3.bucket(BUCKET, { endpoint: open.info.endpoint, credentials: { accessKeyId: open.info.accessKeyId, secretAccessKey: "nope-nope" } }));
    await assert.rejects(wrong.entries("q1/"), s3.isS3AccessError);
  });

  it("reports a missing key and a missing bucket as typed not-found errors", async () => {
    const bucket = handle(s3.fromServices({ s3: gated.info }));
    await assert.rejects(bucket.head("q1/100307/nothing-here"), s3.isS3NotFoundError);
    const missing = handle(s3.bucket("no-such-bucket", toBucketOptions(gated.info)));
    await assert.rejects(missing.entries("x/"), (error: unknown) => s3.isS3NotFoundError(error) && error.s3Code === "NoSuchBucket");
  });

  it("passes signed writes through and shows them in the next delimiter listing (no stale listing cache)", async () => {
    const { S3Client, PutObjectCommand, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client(toClientConfig(toBucketOptions(open.info)));
    const bucket = handle(s3.fromServices({ s3: open.info }));
    try {
      const before = (await bucket.entries("q1/", { delimiter: "/" })).map((e) => e.key);
      assert.ok(!before.includes("q1/999999/"));
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "q1/999999/notes/readme.txt", Body: "hello" }));
      const after = (await bucket.entries("q1/", { delimiter: "/" })).map((e) => e.key);
      assert.deepEqual(after, [...before, "q1/999999/"]);
      assert.equal(await bucket.getText("q1/999999/notes/readme.txt"), "hello");
      assert.equal((await bucket.head("q1/999999/notes/readme.txt")).etag, "5d41402abc4b2a76b9719d911017c592");
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "q1/999999/notes/readme.txt" }));
      assert.deepEqual((await bucket.entries("q1/", { delimiter: "/" })).map((e) => e.key), before);
      const anonymous = new S3Client(toClientConfig({ endpoint: gated.info.endpoint, anonymous: true }));
      await assert.rejects(anonymous.send(new PutObjectCommand({ Bucket: BUCKET, Key: "q1/evil.txt", Body: "x" })), (error: { name?: string }) => error.name === "AccessDenied");
      anonymous.destroy();
    } finally {
      client.destroy();
    }
  });

  it("builds the SDK settings that keep third-party servers correct", () => {
    const config = toClientConfig({ endpoint: "http://127.0.0.1:9/", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    assert.equal(config.endpoint, "http://127.0.0.1:9");
    assert.equal(config.forcePathStyle, true);
    assert.equal(config.requestChecksumCalculation, "WHEN_REQUIRED");
    assert.equal(config.responseChecksumValidation, "WHEN_REQUIRED");
    assert.equal(config.region, "us-east-1");
    const real = toClientConfig({});
    assert.equal(real.forcePathStyle, false);
    assert.equal(real.credentials, undefined, "the standard credential chain is used");
    assert.throws(() => toClientConfig({ anonymous: true, credentials: { accessKeyId: "a", secretAccessKey: "b" } }), /exclude/);
    assert.throws(() => toClientConfig({ endpoint: "ftp://x" }), /http or https/);
    assert.deepEqual(parseS3Location("s3://hcp-openaccess/HCP_1200/100307/"), { bucket: "hcp-openaccess", prefix: "HCP_1200/100307/" });
    assert.deepEqual(parseS3Location("q1/", "hcp.aws.amazon.com"), { bucket: "hcp.aws.amazon.com", prefix: "q1/" });
    assert.throws(() => parseS3Location("q1/"), /no bucket/);
  });
});
