/**
 * Adversarial suite, class "promised but not done" (API audit): every public function of
 * lib/index.ts and of each portal index, called with an argument of the wrong type, fails with
 * a NeuroportalError whose class the public API exports (so `isX` guards and `code` work),
 * never a raw TypeError / RangeError, and writes nothing.
 */
import { strict as assert } from "node:assert";
import * as np from "../../lib/index.js";
import { filesUnder, tempDir } from "../helpers/files.js";
import { closedAfterEach, scenario, xnatLikeServer } from "../helpers/hostile.js";

const { allen, xnat, s3, frame, display, cohort } = np;
const work = tempDir("np-hostile-api-");
const dir = `${work.dir}/out`;
const vol = { dims: [2, 2, 2] as [number, number, number], data: new Float32Array(8) };

/** Every error class the public API exports (top level and per portal). */
function exportedErrorClasses(): Set<Function> {
  const classes = new Set<Function>();
  for (const namespace of [np, allen, xnat, s3, display, cohort] as Record<string, unknown>[]) {
    for (const value of Object.values(namespace)) {
      if (typeof value === "function" && value.prototype instanceof Error) classes.add(value);
    }
  }
  return classes;
}

// prettier-ignore
const calls: [string, () => unknown][] = [
  ["allen.rows(42)", () => allen.rows(42 as any).next()],
  ["allen.query(42)", () => allen.query(42 as any)],
  ["allen.query(url, 42)", () => allen.query("http://127.0.0.1:9/x", 42 as any)],
  ["allen.queryFrame(url, 'cols')", () => allen.queryFrame("http://127.0.0.1:9/x", "cols" as any)],
  ["allen.modelQueryUrl(42)", () => allen.modelQueryUrl(42 as any)],
  ["allen.modelQueryUrl({model:5})", () => allen.modelQueryUrl({ model: 5 } as any)],
  ["allen.modelQueryUrl({model,criteria:5})", () => allen.modelQueryUrl({ model: "Structure", criteria: 5, api: "http://127.0.0.1:9/" } as any)],
  ["allen.referenceSpaceUrl(42)", () => allen.referenceSpaceUrl(42 as any)],
  ["allen.downloadGridFile('1', dir)", () => allen.downloadGridFile("1" as any, dir)],
  ["allen.downloadGridFile(1, 42)", () => allen.downloadGridFile(1, 42 as any)],
  ["allen.downloadAtlasVolume(42)", () => allen.downloadAtlasVolume(42 as any)],
  ["allen.downloadAndExtract(42, dir)", () => allen.downloadAndExtract(42 as any, dir)],
  ["allen.readVolume(42)", () => allen.readVolume(42 as any)],
  ["allen.slice({}, 'x', 0)", () => allen.slice({} as any, "x", 0)],
  ["allen.slice(vol, 'w', 0)", () => allen.slice(vol, "w" as any, 0)],
  ["allen.slice(vol, 'x', '0')", () => allen.slice(vol, "x", "0" as any)],
  ["allen.valueRange(42)", () => allen.valueRange(42 as any)],
  ["allen.maskNoData(null)", () => allen.maskNoData(null as any)],
  ["allen.unionize({}, {})", () => allen.unionize({} as any, {} as any)],
  ["xnat.connect(42)", () => xnat.connect(42 as any)],
  ["xnat.connect(url, 42)", () => xnat.connect("http://127.0.0.1:9/", 42 as any)],
  ["xnat.toConstraintText(42)", () => xnat.toConstraintText(42 as any)],
  ["xnat.field(42)", () => xnat.field(42 as any)],
  ["xnat.where.and(42)", () => xnat.where.and(42 as any)],
  ["xnat.parseXml(42)", () => xnat.parseXml(42 as any)],
  ["xnat.evaluateXPath(42, 'a')", () => xnat.evaluateXPath(42 as any, "a")],
  ["xnat.valueOf(42)", () => xnat.valueOf(42 as any)],
  ["xnat.toDocumentFields(42)", () => xnat.toDocumentFields(42 as any)],
  ["xnat.toWideTable(42)", () => xnat.toWideTable(42 as any)],
  ["xnat.toWideFrame(42)", () => xnat.toWideFrame(42 as any)],
  ["xnat.toFileFrame(42)", () => xnat.toFileFrame(42 as any)],
  ["xnat.toResourceFrame(42)", () => xnat.toResourceFrame(42 as any)],
  ["np.formatList(42)", () => np.formatList(42 as any)],
  ["np.formatList([], {width: 'wide'})", () => np.formatList([], { width: "wide" as any })],
  ["new xnat.WideTableBuilder().add(42)", () => (new (xnat as any).WideTableBuilder()).add(42)],
  ["xnat.experimentsTable(42)", () => xnat.experimentsTable(42 as any)],
  ["s3.bucket(42)", () => s3.bucket(42 as any)],
  ["s3.bucket('b', 42)", () => s3.bucket("b", 42 as any)],
  ["s3.fromServices(42)", () => s3.fromServices(42 as any)],
  ["s3.toListingFrame(42)", () => s3.toListingFrame(42 as any)],
  ["s3.fromManifestJson(42, 'k')", () => s3.fromManifestJson(42 as any, "k")],
  ["s3.toManifestFrame(42)", () => s3.toManifestFrame(42 as any)],
  ["s3.verifyFolder(42, [])", () => s3.verifyFolder(42 as any, [])],
  ["s3.verifyFolder(dir, 42)", () => s3.verifyFolder(dir, 42 as any)],
  ["frame.fromRows(42)", () => frame.fromRows(42 as any, [])],
  ["frame.fromRecords(42)", () => frame.fromRecords(42 as any, [])],
  ["frame.toRecords(42)", () => frame.toRecords(42 as any)],
  ["np.services(42)", () => np.services(42 as any)],
  ["np.show(undefined)", () => np.show(undefined as any)],
  ["np.plot(42)", () => np.plot(42 as any)],
  ["np.progress(42)", () => np.progress(42 as any)],
  ["np.progress('x', {intervalMs: NaN})", () => np.progress("x", { intervalMs: NaN })],
  ["np.histogram(42)", () => np.histogram(42 as any)],
  ["np.box(42)", () => np.box(42 as any)],
  ["np.violin(42)", () => np.violin(42 as any)],
  ["np.scatter(42, 42)", () => np.scatter(42 as any, 42 as any)],
  ["np.scatterMatrix(42, [])", () => np.scatterMatrix(42 as any, [])],
  ["np.heatmap(42)", () => np.heatmap(42 as any)],
  ["np.correlationHeatmap(42)", () => np.correlationHeatmap(42 as any, 42 as any)],
  ["np.volumeSlice(42)", () => np.volumeSlice(42 as any, "x" as any, 0)],
  ["np.threeView(42)", () => np.threeView(42 as any)],
  ["np.summarize(42)", () => np.summarize(42 as any)],
  ["np.groupSummary(42)", () => np.groupSummary(42 as any, "a" as any, "b" as any)],
  ["display.displayMimeBundle(42)", () => display.displayMimeBundle(42 as any)],
  ["np.observeRetries(42)", () => np.observeRetries(42 as any)],
  ["xnat.where.or()", () => xnat.where.or()],
  ["bucket.ls(42)", () => offline().ls(42 as any)],
  ["bucket.walk(42)", () => offline().walk(42 as any)],
  ["bucket.head(42)", () => offline().head(42 as any)],
  ["bucket.getText(42)", () => offline().getText(42 as any)],
  ["bucket.manifest(42)", () => offline().manifest(42 as any)],
  ["bucket.download(42, dir)", () => offline().download(42 as any, dir)],
  ["bucket.downloadKnown(42, dir)", () => offline().downloadKnown(42 as any, dir)],
  ["bucket.downloadKnown([], dir, {concurrency: 0})", () => offline().downloadKnown([], dir, { concurrency: 0 })],
  ["cohort.toLayout(42)", () => cohort.toLayout(42 as any)],
  ["cohort.toRoot(42)", () => cohort.toRoot(42 as any)],
  ["cohort.toSubjectPrefixes(['100307'], 42)", () => cohort.toSubjectPrefixes(["100307"], 42 as any)],
  ["cohort.toSubjectLabels(42)", () => cohort.toSubjectLabels(42 as any)],
  ["cohort.locateSubjects(42, 'q1/', ['1'])", () => cohort.locateSubjects(42 as any, "q1/", ["1"])],
  ["cohort.toGlobRegExp(42)", () => cohort.toGlobRegExp(42 as any)],
  ["cohort.toGlobMatcher(42)", () => cohort.toGlobMatcher(42 as any)],
  ["cohort.toGlobMatcher([42])", () => cohort.toGlobMatcher([42 as any])],
  ["cohort.makePlan(bucket, 42)", () => cohort.makePlan(offline(), 42 as any)],
  ["cohort.makePlan(bucket, {concurrency: NaN})", () => cohort.makePlan(offline(), { root: "q1/", subjects: ["100307"], include: ["*"], concurrency: NaN })],
  ["cohort.makePlan(bucket, {include: 'x'})", () => cohort.makePlan(offline(), { root: "q1/", subjects: ["100307"], include: "*.txt" as any })],
  ["cohort.toPlanJson(42)", () => cohort.toPlanJson(42 as any)],
  ["cohort.fromPlanJson(42)", () => cohort.fromPlanJson(42 as any)],
  ["cohort.planDigest(42)", () => cohort.planDigest(42 as any)],
  ["cohort.describeMissing(42, 42)", () => cohort.describeMissing(42 as any, 42 as any)],
  ["cohort.toPlanFrame(42)", () => cohort.toPlanFrame(42 as any)],
  ["cohort.toMissingFrame(42)", () => cohort.toMissingFrame(42 as any)],
  ["cohort.assignShards(42, 2)", () => cohort.assignShards(42 as any, 2)],
  ["cohort.shardFiles(42)", () => cohort.shardFiles(42 as any)],
  ["cohort.parseShard(42)", () => cohort.parseShard(42 as any)],
  ["cohort.downloadPlan(bucket, 42, dir)", () => cohort.downloadPlan(offline(), 42 as any, dir)],
  ["cohort.downloadPlan(bucket, plan, dir, {concurrency: 0})", () => cohort.downloadPlan(offline(), { bucket: "b", files: [] } as any, dir, { concurrency: 0 })],
  ["cohort.toSlurmScript(42)", () => cohort.toSlurmScript(42 as any)],
  ["bucket.download('p/', 42)", () => offline().download("p/", 42 as any)],
];

/** A bucket whose endpoint nothing listens on: argument checks must fail before any request. */
function offline(): np.s3.Bucket {
  return s3.bucket("b", { endpoint: "http://127.0.0.1:9/", credentials: { accessKeyId: "AKIAOFFLINE", secretAccessKey: "offline-secret" }, maxAttempts: 1 });
}

describe("hostile: every public function fails with a documented error class on wrong argument types", () => {
  const classes = exportedErrorClasses();
  after(() => work.remove());

  it("the audit covers every function the public API exports", () => {
    const covered = new Set(calls.map(([name]) => name.replace(/^new /, "").split(/[(.]/).slice(0, 2).join(".")));
    const missing: string[] = [];
    for (const [prefix, namespace] of Object.entries({ np, allen, xnat, s3, frame, display, cohort }) as [string, Record<string, unknown>][]) {
      for (const [key, value] of Object.entries(namespace)) {
        if (typeof value !== "function" || value.prototype instanceof Error || /^is[A-Z]/.test(key) || key === "inKernel") continue;
        if (!covered.has(`${prefix}.${key}`) && !(prefix === "display" && covered.has(`np.${key}`)) && !(prefix === "np" && covered.has(`display.${key}`))) missing.push(`${prefix}.${key}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  for (const [name, call] of calls) {
    scenario(`${name} raises a typed, exported NeuroportalError and writes nothing`, async () => {
      let error: unknown;
      try {
        await call();
      } catch (caught) {
        error = caught;
      }
      assert.ok(error !== undefined, `${name} succeeded`);
      assert.ok(np.isNeuroportalError(error), `${name} raised ${(error as Error)?.name}: ${(error as Error)?.message}`);
      assert.ok(classes.has(error.constructor), `${error.constructor.name} is not exported by the public API`);
      assert.match(error.code, /^E_[A-Z_]+$/);
      assert.deepEqual(filesUnder(dir), []);
    }, 10_000);
  }
});

describe("hostile: methods of connections, projects, sessions, searches and buckets refuse wrong argument types before any request", () => {
  const track = closedAfterEach();
  // prettier-ignore
  const methods: [string, (cdb: np.xnat.XnatConnection, bucket: np.s3.Bucket) => unknown][] = [
    ["connection.project(42)", (cdb) => cdb.project(42 as any)],
    ["connection.select(42)", (cdb) => cdb.select(42 as any)],
    ["connection.select(type, 'x')", (cdb) => cdb.select("xnat:subjectData", "x" as any)],
    ["connection.fields(42)", (cdb) => cdb.fields(42 as any)],
    ["connection.fields(type, {matching: 42})", (cdb) => cdb.fields("xnat:subjectData", { matching: 42 as any })],
    ["project.subject(42)", (cdb) => cdb.project("P").subject(42 as any)],
    ["project.experiments({xsiType: 42})", (cdb) => cdb.project("P").experiments({ xsiType: 42 as any })],
    ["project.search(42)", (cdb) => cdb.project("P").search(42 as any)],
    ["project.select(type).where(42)", (cdb) => cdb.project("P").select("xnat:subjectData").where(42 as any)],
    ["experiment.xpath(42)", (cdb) => cdb.project("P").subject("S").experiment("E").xpath(42 as any)],
    ["experiment.scan(42)", (cdb) => cdb.project("P").subject("S").experiment("E").scan(42 as any)],
    ["experiment.resource(42)", (cdb) => cdb.project("P").subject("S").experiment("E").resource(42 as any)],
    ["select(type, fields).where(42)", (cdb) => cdb.select("xnat:subjectData", ["xnat:subjectData/SUBJECT_ID"]).where(42 as any)],
    ["select(type, fields).document(42)", (cdb) => cdb.select("xnat:subjectData", ["xnat:subjectData/SUBJECT_ID"]).document(42 as any)],
    ["bucket.ls(prefix, {delimiter: 42})", (_cdb, bucket) => bucket.ls("p", { delimiter: 42 as any })],
    ["bucket.iterate(42)", async (_cdb, bucket) => { for await (const _ of bucket.iterate(42 as any)) break; }],
    ["bucket.entries(42)", (_cdb, bucket) => bucket.entries(42 as any)],
    ["bucket.walkEntries(42)", (_cdb, bucket) => bucket.walkEntries(42 as any)],
  ];
  for (const [name, call] of methods) {
    scenario(`${name} raises a typed, exported NeuroportalError before any request`, async () => {
      const server = track(await xnatLikeServer((_req, res) => res.writeHead(500).end("never asked")));
      const cdb = await xnat.connect(server.url, { user: "u", password: "pw-methods", retry: false });
      const bucket = track(offline());
      try {
        const before = server.hits.length;
        let error: unknown;
        try {
          await call(cdb, bucket);
        } catch (caught) {
          error = caught;
        }
        assert.ok(np.isNeuroportalError(error), `${name} raised ${String(error)}`);
        assert.ok(exportedErrorClasses().has(error.constructor), `${error.constructor.name} is not exported by the public API`);
        assert.equal(server.hits.length, before, "no request was sent");
      } finally {
        await cdb.close().catch(() => undefined);
      }
    });
  }
});
