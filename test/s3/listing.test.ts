import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { toRecords } from "../../lib/frame/index";
import * as s3 from "../../lib/s3/index";
import { demo, MOTOR_PREFIX, SEED_Q1_LISTING, SEED_SUBJECT_LISTING } from "./fixtures";
import { S3_SERVER_KINDS, sharedS3Server, type S3TestServer } from "../helpers/s3-servers";

const run = promisify(execFile);

for (const kind of S3_SERVER_KINDS) {
  describe(`s3 against ${kind}: bucket listings`, function () {
    /** Tests of what only the demo does: its fixed dates, its second layout, boto 2's V2 signatures checked by its gate. */
    const onDemo = kind === "demo" ? it : () => undefined;
    this.timeout(60_000);
    let service: S3TestServer;
    let q1: s3.Bucket;

    before(async function () {
      this.timeout(240_000); // the first suite to use moto starts and seeds it
      service = await sharedS3Server(kind);
      q1 = s3.fromServices({ s3: service.info }, "hcp.aws.amazon.com");
    });
    after(async () => {
      q1?.close();
      await service?.close();
    });

    it("lists q1/ with a delimiter exactly as the seed shows: the zero-byte q1/ key, then 71 subjects", async () => {
      const frame = await q1.ls("q1/", { delimiter: "/" });
      const rows = toRecords(frame);
      assert.deepEqual(rows.map((row) => row.key), SEED_Q1_LISTING);
      assert.deepEqual(frame.columns, ["key", "size", "lastModified", "etag", "isPrefix"]);
      assert.deepEqual({ ...rows[0], lastModified: kind === "demo" ? rows[0].lastModified : "2013-04-17T14:02:11.000Z" }, { key: "q1/", size: 0, lastModified: "2013-04-17T14:02:11.000Z", etag: "d41d8cd98f00b204e9800998ecf8427e", isPrefix: false });
      assert.equal(rows.filter((row) => row.isPrefix).length, 71);
    });

    it("lists a subject with a delimiter as the seed shows, without a marker for the subject itself", async () => {
      const entries = await q1.entries("q1/100307/", { delimiter: "/" });
      assert.deepEqual(entries.map((entry) => entry.key), SEED_SUBJECT_LISTING);
      assert.ok(entries.every((entry) => entry.isPrefix));
    });

    it("follows continuation tokens over more than 1000 keys", async () => {
      const entries = await q1.entries("q1/");
      assert.ok(entries.length > 1000, `only ${entries.length} keys`);
      assert.equal(new Set(entries.map((entry) => entry.key)).size, entries.length, "duplicate keys across pages");
      const sorted = [...entries.map((entry) => entry.key)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(entries.map((entry) => entry.key), sorted);
      const small = await q1.entries("q1/", { pageSize: 250 });
      assert.deepEqual(small.map((entry) => entry.key), sorted);
    });

    it("pages delimiter listings with MaxKeys counting keys and prefixes together", async () => {
      const paged = await q1.entries("q1/", { delimiter: "/", pageSize: 7 });
      assert.deepEqual(paged.map((entry) => entry.key), SEED_Q1_LISTING);
    });

    it("walks the tree by fanning out over common prefixes and finds every key", async () => {
      const flat = await q1.entries("q1/100307/");
      const walked = await q1.walkEntries("q1/100307/", { concurrency: 4 });
      assert.deepEqual(walked.map((entry) => entry.key), flat.map((entry) => entry.key));
      assert.ok(walked.some((entry) => entry.key === `${MOTOR_PREFIX}EVs/lf.txt`));
    });

    it("iterates entries as an async iterator", async () => {
      const seen: string[] = [];
      for await (const entry of q1.iterate("q1/100307/", { delimiter: "/" })) seen.push(entry.key);
      assert.deepEqual(seen, SEED_SUBJECT_LISTING);
    });

    onDemo("serves today's hcp-openaccess layout with HCP_1200/ and T1w/Diffusion", async () => {
      const hcp1200 = await demo({ layout: "hcp1200" });
      const today = s3.fromServices({ s3: hcp1200.info }, "hcp-openaccess");
      try {
        assert.deepEqual((await today.entries("HCP_1200/", { delimiter: "/" })).map((e) => e.key), ["HCP_1200/100307/", "HCP_1200/103515/", "HCP_1200/103818/"]);
        assert.deepEqual((await today.entries("HCP_1200/100307/", { delimiter: "/" })).map((e) => e.key), [
          "HCP_1200/100307/.xdlm/", "HCP_1200/100307/MNINonLinear/", "HCP_1200/100307/T1w/", "HCP_1200/100307/release-notes/", "HCP_1200/100307/unprocessed/",
        ]);
        assert.ok((await today.entries("HCP_1200/100307/T1w/Diffusion/")).some((e) => e.key.endsWith("/bvals")));
      } finally {
        today.close();
        await hcp1200.close();
      }
    });

    it("holds the task run's real file names with manifests listing every file's MD5", async () => {
      const names = (await q1.entries(MOTOR_PREFIX)).map((entry) => entry.key.slice(MOTOR_PREFIX.length));
      for (const name of ["EVs/cue.txt", "EVs/lf.txt", "EVs/lh.txt", "EVs/rf.txt", "EVs/rh.txt", "EVs/t.txt", "EVs/Sync.txt", "Movement_Regressors.txt", "tfMRI_MOTOR_LR.nii.gz", "tfMRI_MOTOR_LR_SBRef.nii.gz", "tfMRI_MOTOR_LR_hp200_s4_level1.fsf"]) {
        assert.ok(names.includes(name), `missing ${name}`);
      }
      const manifest = await q1.manifestEntries("q1/100307/");
      const all = (await q1.entries("q1/100307/")).filter((entry) => !entry.key.includes("/.xdlm/"));
      const byKey = new Map(manifest.map((entry) => [entry.key, entry]));
      for (const object of all) {
        const listed = byKey.get(object.key);
        assert.ok(listed, `${object.key} is in no manifest`);
        assert.equal(listed.size, object.size);
        assert.equal(listed.checksum, object.etag);
      }
    });

    onDemo("generates the same bytes on every start (deterministic data)", async () => {
      const again = await demo({ layout: "q1", port: 0 });
      const other = s3.fromServices({ s3: again.info }, "hcp.aws.amazon.com");
      try {
        const a = await q1.entries("q1/100307/");
        const b = await other.entries("q1/100307/");
        assert.deepEqual(b.map((e) => [e.key, e.size, e.etag, e.lastModified?.toISOString()]), a.map((e) => [e.key, e.size, e.etag, e.lastModified?.toISOString()]));
      } finally {
        other.close();
        await again.close();
      }
    });

    onDemo("lists the demo bucket with the seed's boto 2 code exactly as the seed shows", async () => {
      const endpoint = new URL(service.info.endpoint);
      const script = [
        "import sys",
        "from boto.s3.connection import S3Connection, OrdinaryCallingFormat",
        "import os",
        "s3 = S3Connection(os.environ['DEMO_KEY'], os.environ['DEMO_SECRET'], host=sys.argv[1], port=int(sys.argv[2]), is_secure=False, calling_format=OrdinaryCallingFormat())",
        "bucket = s3.get_bucket('hcp.aws.amazon.com')",
        "print(repr([k.name for k in bucket.list('q1/','/')]))",
        "print(repr([k.name for k in bucket.list('q1/100307/','/')]))",
        "print(len([k.name for k in bucket.list('q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/')]))",
      ].join("\n");
      const { stdout } = await run("/usr/bin/python3", ["-c", script, endpoint.hostname, endpoint.port], {
        env: { PATH: process.env.PATH, HOME: "/nonexistent", BOTO_CONFIG: "/dev/null", DEMO_KEY: service.info.accessKeyId, DEMO_SECRET: service.info.secretAccessKey },
      });
      const [first, second, count] = stdout.trim().split("\n");
      assert.equal(first, `[${SEED_Q1_LISTING.map((k) => `'${k}'`).join(", ")}]`);
      assert.equal(second, `[${SEED_SUBJECT_LISTING.map((k) => `'${k}'`).join(", ")}]`);
      assert.equal(Number(count), (await q1.entries(MOTOR_PREFIX)).length);
    });

    onDemo("rejects boto 2 with a wrong secret (signature V2 checked)", async () => {
      const endpoint = new URL(service.info.endpoint);
      const script = [
        "import sys",
        "from boto.s3.connection import S3Connection, OrdinaryCallingFormat",
        "from boto.exception import S3ResponseError",
        "s3 = S3Connection(sys.argv[1], 'not-the-secret', host=sys.argv[2], port=int(sys.argv[3]), is_secure=False, calling_format=OrdinaryCallingFormat())",
        "b = s3.get_bucket('hcp.aws.amazon.com', validate=False)",
        "try:\n  print([k.name for k in b.list('q1/','/')])\nexcept S3ResponseError as e:\n  print(e.status, e.error_code)",
      ].join("\n");
      const { stdout } = await run("/usr/bin/python3", ["-c", script, service.info.accessKeyId, endpoint.hostname, endpoint.port], { env: { PATH: process.env.PATH, HOME: "/nonexistent", BOTO_CONFIG: "/dev/null" } });
      assert.equal(stdout.trim(), "403 SignatureDoesNotMatch");
    });
  });
}

