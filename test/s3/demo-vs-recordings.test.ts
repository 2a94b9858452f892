import { strict as assert } from "node:assert";
import * as http from "node:http";
import { XMLParser } from "fast-xml-parser";
import { startS3Demo } from "../../demo/src/s3/index";
import { EDGE_PREFIX } from "../../demo/src/s3/index";
import { fixture, fixtureText } from "../helpers/replay";

/**
 * The demo's S3 answers compared with the recorded real ones (moto 5.2.1 as boto3 received
 * them), field by field for what the client reads: listing elements and their url encoding,
 * the folder marker beside common prefixes, and the error documents' code, status and fields.
 */
const BUCKET = "hcp.aws.amazon.com";
const parser = new XMLParser({ parseTagValue: false, processEntities: false, isArray: (name) => name === "Contents" || name === "CommonPrefixes" });
type Doc = Record<string, unknown>;
const parse = (xml: string) => parser.parse(xml) as Doc;
/** The element names of a document's root (or of its first `child`), sorted. */
const fieldsOf = (root: Doc, child?: string): string[] => Object.keys(child ? (root[child] as Doc[])[0] : root).filter((name) => !name.startsWith("@_")).sort();
/** The names the recordings carry that the client reads. */
const READ_LISTING = ["Contents", "EncodingType", "IsTruncated", "KeyCount", "MaxKeys", "Name", "Prefix"];
const READ_CONTENTS = ["ETag", "Key", "LastModified", "Size", "StorageClass"];

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

describe("s3: the demo's answers against the recorded real ones (field by field)", function () {
  this.timeout(60_000);
  let demo: Awaited<ReturnType<typeof startS3Demo>>;
  let base: string;

  before(async () => {
    demo = await startS3Demo({ layout: "q1", requireCredentials: false });
    base = `${demo.info.endpoint}${BUCKET}`;
  });
  after(async () => demo?.close());

  it("answers a url-encoded ListObjectsV2 with the recording's elements, encoding each shared key name exactly as moto does", async () => {
    const recorded = parse(fixtureText("s3/moto-list-v2-url-encoded.xml")).ListBucketResult as Doc;
    const { status, body } = await get(`${base}?list-type=2&prefix=${encodeURIComponent(EDGE_PREFIX)}&encoding-type=url`);
    assert.equal(status, 200);
    const mine = parse(body).ListBucketResult as Doc;
    for (const name of READ_LISTING) assert.ok(name in recorded && name in mine, `ListBucketResult/${name}`);
    for (const name of READ_CONTENTS) assert.ok(fieldsOf(recorded, "Contents").includes(name) && fieldsOf(mine, "Contents").includes(name), `Contents/${name}`);
    assert.equal(mine.EncodingType, recorded.EncodingType);
    const encodedName = (doc: Doc, prefix: string) => new Set(((doc.Contents as Doc[]) ?? []).map((c) => String(c.Key)).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)));
    const motoNames = encodedName(recorded, "HCP_1200/100307/odd/");
    const demoNames = encodedName(mine, EDGE_PREFIX);
    for (const name of ["a%20b%2Bc.txt", "it%27s.txt", "amp%26lt%3Cgt%3E.txt", "ctl%01char.txt", "tab%09here.txt", "%C3%BCn%C3%AFc%C3%B6d%C3%A9.txt", "/double-slash.txt", "./dot-segment.txt", "../dotdot-segment.txt"]) {
      assert.ok(motoNames.has(name), `the recording holds ${name}`);
      assert.ok(demoNames.has(name.startsWith("/") || name.startsWith(".") ? `odd/${name}` : name), `the demo encodes ${name} as moto does: ${[...demoNames].join(" ")}`);
    }
  });

  it("lists the folder marker in Contents next to the CommonPrefixes, as moto and AWS's example do", async () => {
    const recorded = parse(fixtureText("s3/moto-list-v2-delimiter.xml")).ListBucketResult as Doc;
    const { body } = await get(`${base}?list-type=2&prefix=q1%2F&delimiter=%2F`);
    const mine = parse(body).ListBucketResult as Doc;
    assert.equal((recorded.Contents as Doc[])[0].Key, recorded.Prefix);
    assert.equal((mine.Contents as Doc[])[0].Key, mine.Prefix);
    assert.deepEqual(fieldsOf(mine, "CommonPrefixes"), fieldsOf(recorded, "CommonPrefixes"));
    assert.equal(mine.Delimiter, recorded.Delimiter);
  });

  it("pages with an opaque NextContinuationToken and IsTruncated, as moto does", async () => {
    const recorded = parse(fixtureText("s3/moto-list-v2-truncated-page1.xml")).ListBucketResult as Doc;
    const { body } = await get(`${base}?list-type=2&prefix=q1%2F100307%2F&max-keys=3`);
    const mine = parse(body).ListBucketResult as Doc;
    for (const doc of [recorded, mine]) {
      assert.equal(doc.IsTruncated, "true");
      assert.ok(String(doc.NextContinuationToken).length > 0);
      assert.equal((doc.Contents as Doc[]).length, 3);
    }
  });

  it("answers a stale If-Match with moto's 412 PreconditionFailed document (Condition If-Match), on GET and HEAD", async () => {
    const recorded = parse(fixtureText("s3/moto-error-precondition-if-match.xml")).Error as Doc;
    const key = `${base}/q1/100307/release-notes/Structural_preproc.txt`;
    const answer = await get(key, { "if-match": '"0123456789abcdef0123456789abcdef"' });
    assert.equal(answer.status, fixture("s3/moto-error-precondition-if-match.xml").response?.status ?? 412);
    assert.equal(answer.status, 412);
    const mine = parse(answer.body).Error as Doc;
    assert.equal(mine.Code, recorded.Code);
    assert.equal(mine.Condition, recorded.Condition);
    assert.equal(mine.Message, recorded.Message);
    const head = await new Promise<number>((resolve, reject) => http.request(key, { method: "HEAD", headers: { "if-match": '"00"' } }, (r) => (r.resume(), resolve(r.statusCode ?? 0))).on("error", reject).end());
    assert.equal(head, 412);
    const etag = (await new Promise<string>((resolve, reject) => http.request(key, { method: "HEAD" }, (r) => (r.resume(), resolve(String(r.headers.etag)))).on("error", reject).end()));
    assert.equal((await get(key, { "if-match": etag })).status, 200, "a matching If-Match is served");
  });

  it("answers a missing key and a missing bucket with the recordings' codes and statuses", async () => {
    for (const [url, file] of [[`${base}/q1/100307/missing.txt`, "s3/moto-error-nosuchkey.xml"], [`${demo.info.endpoint}no-such-bucket-here?list-type=2`, "s3/moto-error-nosuchbucket.xml"]] as const) {
      const recorded = parse(fixtureText(file)).Error as Doc;
      const answer = await get(url);
      assert.equal(answer.status, fixture(file).response?.status ?? 404, file);
      assert.equal((parse(answer.body).Error as Doc).Code, recorded.Code, file);
    }
  });
});
