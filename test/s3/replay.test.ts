import { strict as assert } from "node:assert";
import * as s3 from "../../lib/s3/index";
import { isUnexpectedContentError } from "../../lib/http/errors";
import { fixture, fixtureText, recordedAnswer, startReplay, type Answer, type IncomingCall, type ReplayRoute, type ReplayServer } from "../helpers/replay";

/**
 * The recorded real S3 answers (test/fixtures/real/s3: AWS, moto, minio, proxies) replayed over
 * loopback to the real client: every listing decodes to the stored keys, and every error answer
 * becomes the same typed error on a listing, a HEAD and a GET.
 */
const BUCKET = "replayed";
const KEYS = { accessKeyId: "AKIAREPLAYEXAMPLE", secretAccessKey: "replay-secret-never-shown" };
const FAST = { baseDelayMs: 1, maxDelayMs: 2 };

/** A route answering every request (listings, HEADs, GETs) with `answer`. */
const anyRequest = (answer: Answer | ((call: IncomingCall) => Answer)): ReplayRoute => ({ match: () => true, answer: (call) => (typeof answer === "function" ? answer(call) : answer) });

describe("s3: recorded real answers replayed over loopback", function () {
  this.timeout(30_000);
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
  });

  async function serve(routes: ReplayRoute[], options: s3.BucketOptions = {}): Promise<{ server: ReplayServer; bucket: s3.Bucket }> {
    const server = await startReplay(routes);
    const bucket = s3.bucket(BUCKET, { endpoint: server.url, credentials: KEYS, retry: FAST, ...options });
    open.push(server, bucket);
    return { server, bucket };
  }

  describe("listings", () => {
    it("asks for EncodingType=url and decodes moto's url-encoded keys to the keys boto3 hands back", async () => {
      const { server, bucket } = await serve([anyRequest(recordedAnswer("s3/moto-list-v2-url-encoded.xml"))]);
      const keys = (await bucket.entries("HCP_1200/100307/odd/")).map((e) => e.key);
      const reference = JSON.parse(fixtureText("s3/boto3-decoded-listing.json")) as { "Contents.Key": string[] };
      assert.deepEqual(keys, [...reference["Contents.Key"]].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      assert.equal(server.calls[0].query.get("encoding-type"), "url", "the listing asks for url encoding, as boto3 does");
    });

    it("reads a raw listing (a server that ignored EncodingType) without decoding it again", async () => {
      const { bucket } = await serve([anyRequest(recordedAnswer("s3/moto-list-v2-raw-keys.xml"))]);
      const keys = (await bucket.entries("HCP_1200/100307/odd/")).map((e) => e.key);
      const reference = JSON.parse(fixtureText("s3/boto3-decoded-listing.json")) as { "Contents.Key": string[] };
      assert.deepEqual(new Set(keys), new Set(reference["Contents.Key"]));
    });

    it("keeps the folder marker next to the common prefixes, as in AWS's own example and moto's delimiter listing", async () => {
      const aws = await serve([anyRequest(recordedAnswer("s3/aws-doc-list-v2-prefix-delimiter.xml"))]);
      assert.deepEqual((await aws.bucket.entries("photos/2006/", { delimiter: "/" })).map((e) => [e.key, e.isPrefix]), [
        ["photos/2006/", false],
        ["photos/2006/February/", true],
        ["photos/2006/January/", true],
      ]);
      const moto = await serve([anyRequest(recordedAnswer("s3/moto-list-v2-delimiter.xml"))]);
      const entries = await moto.bucket.entries("HCP_1200/100307/", { delimiter: "/" });
      assert.equal(entries[0].key, "HCP_1200/100307/");
      assert.deepEqual(entries.filter((e) => e.isPrefix).map((e) => e.key), ["HCP_1200/100307/MNINonLinear/", "HCP_1200/100307/T1w/", "HCP_1200/100307/odd/", "HCP_1200/100307/release-notes/"]);
    });

    it("follows moto's opaque continuation token verbatim (the recording holds the first two pages of a longer listing)", async () => {
      const page1 = fixtureText("s3/moto-list-v2-truncated-page1.xml");
      const token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(page1)![1];
      const { server, bucket } = await serve([anyRequest((call) => recordedAnswer(call.query.get("continuation-token") === token ? "s3/moto-list-v2-truncated-page2.xml" : "s3/moto-list-v2-truncated-page1.xml"))]);
      const keys: string[] = [];
      for await (const entry of bucket.iterate("HCP_1200/100307/", { pageSize: 3 })) if (keys.push(entry.key) === 6) break;
      assert.deepEqual(server.calls.map((call) => call.query.get("continuation-token")), [null, token]);
      assert.equal(new Set(keys).size, 6, JSON.stringify(keys));
      assert.ok(keys.every((key) => key.startsWith("HCP_1200/100307/")), JSON.stringify(keys));
    });
  });

  describe("error answers: the same typed error on a listing, a HEAD and a GET", () => {
    /** The error each of the bucket's requests raises against `answer`. */
    async function errorsFor(answer: Answer, options: s3.BucketOptions = {}): Promise<s3.S3Error[]> {
      const { bucket } = await serve([anyRequest(answer)], { maxAttempts: 1, ...options });
      const errors = await Promise.all([bucket.entries("some/prefix/"), bucket.head("some/key.txt"), bucket.getText("some/key.txt")].map((call) => (call as Promise<unknown>).then(() => assert.fail("no error"), (e: unknown) => e)));
      for (const error of errors) assert.ok(s3.isS3Error(error), String(error));
      return errors as s3.S3Error[];
    }

    it("a proxy's HTML 502 (nginx) and 500 (Werkzeug) are BadGateway / InternalError everywhere, without the SDK's parser text", async () => {
      for (const [file, code, status] of [["s3/proxy-502-nginx.html", "BadGateway", 502], ["s3/proxy-500-werkzeug.html", "InternalError", 500]] as const) {
        const answer = recordedAnswer(file);
        const [listing, head, get] = await errorsFor({ ...answer, status: fixture(file).response?.status ?? status });
        for (const error of [listing, get]) {
          assert.equal(error.s3Code, code, `${file}: ${error.message}`);
          assert.equal(error.status, status);
          assert.equal(error.received, "html");
          assert.match(error.message, /an HTML page, not an S3 error document/);
          assert.doesNotMatch(error.message, /Deserialization|parse error|\$response/);
          assert.match(error.hint ?? "", /try again later/);
        }
        assert.equal(head.s3Code, code, "a HEAD has no body: the status alone names it");
        assert.equal(listing.hint, get.hint);
      }
    });

    it("the HTML 502 is retried on listings like on reads (a transient failure), then raised", async () => {
      const { server, bucket } = await serve([anyRequest(recordedAnswer("s3/proxy-502-nginx.html"))], { maxAttempts: 3 });
      await assert.rejects(bucket.entries("x/"), (e: unknown) => s3.isS3Error(e) && e.s3Code === "BadGateway");
      assert.equal(server.calls.length, 3);
    });

    it("AWS's and minio's SignatureDoesNotMatch are access errors that never show StringToSign, CanonicalRequest or the key id", async () => {
      for (const file of ["s3/aws-error-signaturedoesnotmatch-403.xml", "s3/minio-error-signaturedoesnotmatch-403.xml"]) {
        for (const error of await errorsFor(recordedAnswer(file))) {
          assert.ok(s3.isS3AccessError(error), error.message);
          assert.equal(error.status, 403);
          if (error.s3Code !== "AccessDenied") assert.equal(error.s3Code, "SignatureDoesNotMatch", error.message);
          const shown = `${error.message} ${error.hint}`;
          assert.doesNotMatch(shown, /StringToSign|CanonicalRequest|AWS4-HMAC-SHA256|AKIA|replay-secret/);
        }
      }
    });

    it("PermanentRedirect names the region from x-amz-bucket-region (the body only says s3.amazonaws.com), and is not followed", async () => {
      const errors = await errorsFor(recordedAnswer("s3/aws-error-permanentredirect-301.xml"), { region: "us-east-2" });
      for (const error of errors) {
        assert.equal(error.s3Code, "PermanentRedirect", error.message);
        assert.equal(error.status, 301);
        assert.equal(error.region, "us-east-1");
        assert.match(error.hint ?? "", /region: "us-east-1"/);
      }
    });

    it("TemporaryRedirect (307 with a Location elsewhere) is reported, never followed off this machine", async () => {
      const { server, bucket } = await serve([anyRequest(recordedAnswer("s3/aws-doc-error-temporaryredirect-307.xml"))], { maxAttempts: 1 });
      const error = await bucket.getText("photos/puppy.jpg").catch((e: unknown) => e);
      assert.ok(s3.isS3Error(error) && error.s3Code === "TemporaryRedirect" && error.status === 307, String(error));
      assert.equal(server.calls.length, 1);
      assert.match(error.hint ?? "", /region/);
    });

    it("AccessDenied says why: unsigned requests to the HCP bucket need HCP keys (never 'try anonymous'); signed ones were refused", async () => {
      const answer = recordedAnswer("s3/aws-error-accessdenied-403.xml");
      const server = await startReplay([anyRequest(answer)]);
      open.push(server);
      const unsigned = s3.bucket("hcp-openaccess", { endpoint: server.url, anonymous: true, maxAttempts: 1 });
      const signed = s3.bucket("hcp-openaccess", { endpoint: server.url, credentials: KEYS, maxAttempts: 1 });
      open.push(unsigned, signed);
      const a = (await unsigned.entries("HCP_1200/").catch((e: unknown) => e)) as s3.S3Error;
      assert.ok(s3.isS3AccessError(a) && a.s3Code === "AccessDenied", String(a));
      assert.match(a.hint ?? "", /refuses unsigned requests.*ConnectomeDB/);
      assert.doesNotMatch(`${a.message} ${a.hint}`, /anonymous/);
      const b = (await signed.getText("HCP_1200/100307/release-notes/x.txt").catch((e: unknown) => e)) as s3.S3Error;
      assert.ok(s3.isS3AccessError(b), String(b));
      assert.match(b.hint ?? "", /refused these keys.*data use terms/);
      assert.doesNotMatch(`${b.message} ${b.hint}`, /anonymous|replay-secret/);
    });

    it("NoSuchKey (AWS and moto) and NoSuchBucket (moto) are typed not-found errors", async () => {
      for (const file of ["s3/aws-error-nosuchkey-404.xml", "s3/moto-error-nosuchkey.xml"]) {
        const [, , get] = await errorsFor(recordedAnswer(file));
        assert.ok(s3.isS3NotFoundError(get) && get.s3Code === "NoSuchKey", get.message);
        assert.match(get.message, /s3:\/\/replayed\/some\/key\.txt/);
      }
      const [listing] = await errorsFor(recordedAnswer("s3/moto-error-nosuchbucket.xml"));
      assert.ok(s3.isS3NotFoundError(listing) && listing.s3Code === "NoSuchBucket", listing.message);
    });

    it("moto's 412 PreconditionFailed to a stale If-Match is a typed error with status 412 (what makes a download start over)", async () => {
      const [, , get] = await errorsFor(recordedAnswer("s3/moto-error-precondition-if-match.xml"));
      assert.equal(get.s3Code, "PreconditionFailed");
      assert.equal(get.status, 412);
    });
  });

  describe("credentials against the HCP bucket (signed requests only): fail fast, with the hint for HCP keys", () => {
    const CLEARED = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"];
    const saved: Record<string, string | undefined> = {};
    before(() => {
      for (const name of [...CLEARED, "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"]) saved[name] = process.env[name];
      for (const name of CLEARED) delete process.env[name];
      Object.assign(process.env, { AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials", AWS_EC2_METADATA_DISABLED: "true" });
    });
    after(() => {
      for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    });

    it("no credentials anywhere: a typed access error before any request, naming where HCP keys come from, never 'anonymous'", async () => {
      const server = await startReplay([anyRequest(recordedAnswer("s3/aws-error-accessdenied-403.xml"))]);
      const bucket = s3.bucket("hcp-openaccess", { endpoint: server.url });
      open.push(server, bucket);
      const started = Date.now();
      for (const call of [() => bucket.entries("HCP_1200/"), () => bucket.getText("HCP_1200/100307/release-notes/x.txt")]) {
        const error = (await call().catch((e: unknown) => e)) as s3.S3Error;
        assert.ok(s3.isS3AccessError(error) && error.s3Code === "CredentialsProviderError", String(error));
        assert.match(error.hint ?? "", /only answers signed requests.*ConnectomeDB.*AWS_ACCESS_KEY_ID/);
        assert.doesNotMatch(`${error.message} ${error.hint}`, /anonymous/);
      }
      assert.ok(Date.now() - started < 5000, "fails fast");
      assert.equal(server.calls.length, 0, "nothing was sent");
      const other = s3.bucket("some-public-bucket", { endpoint: server.url });
      open.push(other);
      const elsewhere = (await other.entries("x/").catch((e: unknown) => e)) as s3.S3Error;
      assert.match(elsewhere.hint ?? "", /anonymous: true for a public bucket/, "other buckets may be public");
    });

    it("a wrong key pair: one request (not retried), an access error whose hint says where HCP keys come from, no secret shown", async () => {
      for (const file of ["s3/aws-error-signaturedoesnotmatch-403.xml", "s3/minio-error-signaturedoesnotmatch-403.xml"]) {
        const server = await startReplay([anyRequest(recordedAnswer(file))]);
        const bucket = s3.bucket("hcp-openaccess", { endpoint: server.url, credentials: KEYS });
        open.push(server, bucket);
        const error = (await bucket.entries("HCP_1200/").catch((e: unknown) => e)) as s3.S3Error;
        assert.ok(s3.isS3AccessError(error) && error.s3Code === "SignatureDoesNotMatch", String(error));
        assert.match(error.hint ?? "", /check the access key id and secret key.*ConnectomeDB/);
        assert.doesNotMatch(`${error.message} ${error.hint}`, /anonymous|replay-secret/);
        assert.equal(server.calls.length, 1);
      }
    });
  });

  it("a listing answered by a 200 HTML page is UnexpectedContentError, never an empty listing", async () => {
    const page = recordedAnswer("s3/proxy-502-nginx.html");
    const { bucket } = await serve([anyRequest({ ...page, status: 200 })], { maxAttempts: 2 });
    await assert.rejects(bucket.entries("x/"), (e: unknown) => isUnexpectedContentError(e) && e.received === "html");
  });
});
