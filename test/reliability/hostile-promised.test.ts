/**
 * Adversarial suite, class "promised but not done": what RELIABILITY.md promises, tried the
 * way a misbehaving server or a careless caller would — a single maintenance page is retried
 * (XNAT, Allen pages, S3 listings, Allen archives), an undeclared xpath prefix is an XPathError
 * wherever it sits, search values XML cannot carry and runaway constraint nesting are typed
 * errors before any search is sent, and MetaImage files that are missing or folders are typed.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as allen from "../../lib/allen/index.js";
import * as s3 from "../../lib/s3/index.js";
import * as xnat from "../../lib/xnat/index.js";
import { isUnexpectedContentError, type UnexpectedContentError } from "../../lib/http/errors.js";
import { isInvalidArgumentError, isNeuroportalError } from "../../lib/errors.js";
import { MAX_CONSTRAINT_DEPTH, toConstraintSet } from "../../lib/xnat/constraints.js";
import { toSearchDocument } from "../../lib/xnat/search-document.js";
import { createZip } from "../../demo/src/zip.js";
import { fakeS3, FAKE_BUCKET, listingXml } from "../helpers/fake-s3.js";
import { closedAfterEach, FAST_RETRY, type HostileServer, hostileServer, MAINTENANCE_PAGE, rejection, rmaEnvelope, scenario, xnatLikeServer } from "../helpers/hostile.js";
import { filesUnder, tempDir } from "../helpers/files.js";

const SESSION_ID = "0123456789ABCDEF0123456789ABCDEF";
const QUERY = "api/v2/data/Structure/query.json?criteria=[graph_id$eq1]";
const page = (res: import("node:http").ServerResponse) => res.writeHead(200, { "content-type": "text/html" }).end(MAINTENANCE_PAGE);

/** Field listings of `nt:scores` as XNAT's search service sends them. */
const FIELDS = JSON.stringify({
  ResultSet: {
    Result: [
      { FIELD_ID: "SUBJECT_ID", HEADER: "Subject", SUMMARY: "", TYPE: "string", REQUIRES_VALUE: "false", DESC: "", ELEMENT_NAME: "nt:scores", SRC: "0" },
      { FIELD_ID: "NEO_NEOFAC_A", HEADER: "NEO A", SUMMARY: "", TYPE: "string", REQUIRES_VALUE: "false", DESC: "", ELEMENT_NAME: "nt:scores", SRC: "0" },
    ],
  },
});

/** An XNAT-like server: logins succeed; `first(hit)` may answer a request its own way. */
function xnatLike(first: (url: string, method: string, res: import("node:http").ServerResponse) => boolean = () => false): Promise<HostileServer> {
  return hostileServer((req, res) => {
    const url = req.url ?? "/";
    if (first(url, req.method ?? "GET", res)) return;
    if (url.startsWith("/data/JSESSION")) return void res.writeHead(200, { "set-cookie": `JSESSIONID=${SESSION_ID}; Path=/` }).end(req.method === "DELETE" ? "" : SESSION_ID);
    if (url.startsWith("/data/search/elements/")) return void res.writeHead(200, { "content-type": "application/json" }).end(FIELDS);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ResultSet: { Result: [{ ID: "P1", secondary_ID: "P1", name: "p" }] } }));
  });
}

describe("hostile: what RELIABILITY.md promises, tried against misbehaving servers and callers", () => {
  const work = tempDir("np-hostile-promised-");
  const track = closedAfterEach();
  after(() => work.remove());

  describe("a single maintenance page (HTML with 200) is retried", () => {
    scenario("Allen: one maintenance page, then the RMA answer: the query completes with 2 requests", async () => {
      const api = track(await hostileServer((_req, res, hit) => (hit === 1 ? page(res) : res.writeHead(200, { "content-type": "application/json" }).end(rmaEnvelope([{ id: 7 }])))));
      const rows = await allen.query(`${api.url}${QUERY}`, { http: { retry: FAST_RETRY } });
      assert.deepEqual(rows, [{ id: 7 }]);
      assert.equal(api.hits.length, 2);
    });

    scenario("Allen: a maintenance page on every attempt ends in UnexpectedContentError (received html) after the bounded retries", async () => {
      const api = track(await hostileServer((_req, res) => page(res)));
      const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: FAST_RETRY } }));
      assert.ok(isUnexpectedContentError(error), String(error));
      assert.equal((error as UnexpectedContentError).received, "html");
      assert.match((error as Error).message, /an HTML page.*gave up after 3 attempts/);
      assert.equal(api.hits.length, 3);
    });

    scenario("XNAT: one maintenance page on the login is retried, not taken for a rejected password", async () => {
      let pages = 0;
      const server = track(await xnatLike((url, _method, res) => url.startsWith("/data/JSESSION") && pages++ === 0 && (page(res), true)));
      const cdb = await xnat.connect(server.url, { user: "u", password: "pw-maintenance", retry: FAST_RETRY });
      assert.equal(cdb.sessionStats().logins, 1);
      await cdb.close();
    });

    scenario("XNAT: one maintenance page on a listing is retried without a needless re-login", async () => {
      let pages = 0;
      const server = track(await xnatLike((url, _method, res) => url.startsWith("/data/projects") && pages++ === 0 && (page(res), true)));
      const cdb = await xnat.connect(server.url, { user: "u", password: "pw-maintenance", retry: FAST_RETRY });
      const projects = await cdb.projects();
      assert.equal(projects.shape[0], 1);
      assert.deepEqual(cdb.sessionStats().logins, 1);
      await cdb.close();
    });

    scenario("S3: one maintenance page instead of a listing is retried; the listing is complete", async () => {
      let pages = 0;
      const objects = new Map([["m/a.txt", Buffer.from("a")], ["m/b.txt", Buffer.from("b")]]);
      const server = track(await fakeS3({}, { list: (query, _req, res) => (pages++ === 0 ? page(res) : res.writeHead(200, { "content-type": "application/xml" }).end(listingXml(objects, query.get("prefix") ?? "", null)), true) }));
      const bucket = s3.bucket(FAKE_BUCKET, { ...server.options, retry: { baseDelayMs: 2, maxDelayMs: 5 } });
      try {
        assert.deepEqual((await bucket.entries("m/")).map((e) => e.key), ["m/a.txt", "m/b.txt"]);
        assert.equal(pages, 2);
      } finally {
        bucket.close();
      }
    });

    scenario("Allen archive: one maintenance page instead of the zip is fetched again; the members are written", async () => {
      const zip = createZip([{ name: "energy.mhd", data: Buffer.from("ObjectType = Image\nNDims = 3\nDimSize = 1 1 1\nElementType = MET_UCHAR\nElementDataFile = energy.raw\n") }, { name: "energy.raw", data: Buffer.from([9]) }]);
      const api = track(await hostileServer((_req, res, hit) => (hit === 1 ? page(res) : res.writeHead(200, { "content-type": "application/zip", "content-length": String(zip.length) }).end(zip))));
      const target = path.join(work.dir, "archive");
      const written = await allen.downloadAndExtract(`${api.url}grid_data/download/1`, target, { http: { retry: FAST_RETRY } });
      assert.equal(written.length, 2);
      assert.deepEqual(filesUnder(target), ["energy.mhd", "energy.raw"]);
      assert.equal(api.hits.length, 2);
    });
  });

  describe("an undeclared xpath prefix is an XPathError wherever it sits", () => {
    const document = xnat.parseXml('<nt:scores xmlns:nt="http://nrg.wustl.edu/nt" xmlns:xnat="http://nrg.wustl.edu/xnat"><nt:ER40><nt:ER40_CR>39</nt:ER40_CR></nt:ER40></nt:scores>');
    for (const expression of ["zz:ER40", "nt:ER40/zz:ER40_CR", "nt:missing/zz:deeper", "nt:ER40[@zz:id='1']", "nt:ER40[zz:ER40_CR='39']", "//zz:anything", "@zz:attr"]) {
      scenario(`xpath ${JSON.stringify(expression)} raises XPathError naming the prefix, never an empty answer`, async () => {
        const error = await rejection(() => xnat.evaluateXPath(document, expression));
        assert.ok(xnat.isXPathError(error), String(error));
        assert.match((error as Error).message, /prefix "zz" is not declared/);
      });
    }
    scenario("a declared prefix that selects nothing is still an empty answer (not an error)", async () => {
      assert.deepEqual(xnat.evaluateXPath(document, "nt:missing/xnat:deeper"), []);
      assert.deepEqual(xnat.evaluateXPath(document, "nt:ER40/nt:ER40_CR").map(xnat.valueOf), ["39"]);
    });
  });

  describe("search input XML cannot carry, and runaway nesting, are typed errors before any search is sent", () => {
    let server: HostileServer;
    let cdb: xnat.XnatConnection;
    before(async () => {
      server = await xnatLike();
      cdb = await xnat.connect(server.url, { user: "u", password: "pw-search" });
    });
    after(async () => {
      await cdb.close().catch(() => undefined);
      await server.close();
    });
    const searches = () => server.hits.filter((hit) => hit.method === "POST").length;

    for (const [name, value] of [
      ["U+0000", "40\u0000"],
      ["U+0008 (backspace)", "a\bb"],
      ["U+FFFE", "x\uFFFE"],
      ["U+FFFF", "x\uFFFF"],
      ["a lone high surrogate", "x\uD800y"],
      ["a lone low surrogate", "\uDC00"],
    ]) {
      scenario(`a search value holding ${name} raises ConstraintError naming the character; no search is sent`, async () => {
        const error = await rejection(cdb.select("nt:scores", ["SUBJECT_ID"]).where([["nt:scores/NEO_NEOFAC_A", "=", value], "AND"]));
        assert.ok(xnat.isConstraintError(error), String(error));
        assert.match((error as Error).message, /U\+[0-9A-F]{4} at character \d+, which an XML search document cannot carry/);
        assert.equal(searches(), 0);
      });
    }

    scenario("a field name holding U+0000 raises ConstraintError; tab, newline and emoji in values are fine", async () => {
      assert.ok(xnat.isConstraintError(await rejection(() => toConstraintSet([["nt:scores/NEO\u0000", "=", "1"]]))));
      const set = toConstraintSet([["nt:scores/NEO_NEOFAC_A", "=", "a\tb\nc 🧠"]]);
      assert.match(toSearchDocument({ rootElement: "nt:scores", columns: [], where: set }), /a\tb\nc 🧠/);
    });

    scenario(`constraints nested 10,000 lists deep raise ConstraintError (at most ${MAX_CONSTRAINT_DEPTH} levels), never RangeError; no search is sent`, async () => {
      let nested: unknown[] = [["nt:scores/NEO_NEOFAC_A", ">", "1"]];
      for (let i = 0; i < 10_000; i++) nested = [nested, "AND"];
      const error = await rejection(cdb.select("nt:scores", ["SUBJECT_ID"]).where(nested));
      assert.ok(xnat.isConstraintError(error), String(error));
      assert.match((error as Error).message, new RegExp(`more than ${MAX_CONSTRAINT_DEPTH} levels`));
      assert.equal(searches(), 0);
    });

    scenario("a constraint list that contains itself raises ConstraintError instead of recursing forever", async () => {
      const cyclic: unknown[] = [["nt:scores/NEO_NEOFAC_A", ">", "1"]];
      cyclic.push(cyclic);
      assert.ok(xnat.isConstraintError(await rejection(() => toConstraintSet(cyclic))));
      const set: xnat.ConstraintSet = { kind: "set", method: "AND", items: [] };
      set.items.push(set);
      assert.ok(xnat.isConstraintError(await rejection(() => toConstraintSet(set))));
    });

    scenario("builder groups nested 100 deep (where.and(where.and(...))) raise ConstraintError at where()", async () => {
      let built: xnat.Constraint = xnat.field("nt:scores/NEO_NEOFAC_A").gt(1);
      for (let i = 0; i < 100; i++) built = xnat.where.and(built);
      assert.ok(xnat.isConstraintError(await rejection(cdb.select("nt:scores", ["SUBJECT_ID"]).where(built))));
      assert.equal(searches(), 0);
    });

    scenario("pyxnat's postfix form with 20,000 criteria joined by AND is one flat group: the document builds, no RangeError", async () => {
      const words = ["nt:scores/NEO_NEOFAC_A > 0"];
      for (let i = 1; i < 20_000; i++) words.push(`nt:scores/NEO_NEOFAC_A > ${i} AND`);
      const set = toConstraintSet(words.join(" "));
      assert.equal(set.items.length, 20_000);
      assert.ok(set.items.every((item) => item.kind === "criterion"));
      assert.ok(toSearchDocument({ rootElement: "nt:scores", columns: [], where: set }).length > 1_000_000);
    });

    scenario("a search document built by hand with a non-XML character is refused (the escaping backstop)", async () => {
      const where: xnat.ConstraintSet = { kind: "set", method: "AND", items: [{ kind: "criterion", field: "nt:scores/A", operator: "=", value: "\u0001" }] };
      assert.ok(isInvalidArgumentError(await rejection(() => toSearchDocument({ rootElement: "nt:scores", columns: [], where }))));
    });
  });

  describe("MetaImage files that are not there, or not files, are typed", () => {
    scenario("a missing .mhd raises MetaImageError (E_MHD) naming the path, not a raw ENOENT", async () => {
      const error = await rejection(allen.readVolume(path.join(work.dir, "nope.mhd")));
      assert.ok(allen.isMetaImageError(error), String(error));
      assert.equal((error as allen.MetaImageError).code, "E_MHD");
      assert.match((error as Error).message, /nope\.mhd: there is no such file/);
    });

    scenario("a folder in place of the .mhd raises MetaImageError, not a raw EISDIR", async () => {
      const folder = path.join(work.dir, "folder.mhd");
      fs.mkdirSync(folder);
      const error = await rejection(allen.readVolume(folder));
      assert.ok(allen.isMetaImageError(error), String(error));
      assert.match((error as Error).message, /it is a folder/);
    });

    scenario("a folder in place of the data file raises MetaImageError naming it", async () => {
      const dir = path.join(work.dir, "rawdir");
      fs.mkdirSync(path.join(dir, "v.raw"), { recursive: true });
      fs.writeFileSync(path.join(dir, "v.mhd"), "NDims = 3\nDimSize = 1 1 1\nElementType = MET_UCHAR\nElementDataFile = v.raw\n");
      const error = await rejection(allen.readVolume(path.join(dir, "v.mhd")));
      assert.ok(allen.isMetaImageError(error), String(error));
      assert.match((error as Error).message, /v\.raw cannot be read/);
    });

    scenario("a header that is really the voxel file (binary junk) raises MetaImageError, not a crash", async () => {
      const file = path.join(work.dir, "junk.mhd");
      fs.writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256)));
      const error = await rejection(allen.readVolume(file));
      assert.ok(isNeuroportalError(error) && allen.isMetaImageError(error), String(error));
    });
  });

  describe("answers of the wrong shape are typed errors, never rows of nothing or a raw TypeError", () => {
    for (const body of ["{}", "null", '{"ResultSet":{"Result":"x"}}', '{"ResultSet":{"Result":[1,null]}}', '{"ResultSet":{"Result":[["P1"]]}}']) {
      scenario(`an XNAT listing answered ${body} raises UnexpectedContentError for projects, subjects, resources and files`, async () => {
        const server = track(await xnatLikeServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body)));
        const cdb = await xnat.connect(server.url, { user: "u", password: "pw-shape", retry: false });
        try {
          for (const call of [() => cdb.projects(), () => cdb.project("P").subjects(), () => cdb.project("P").resources(), () => cdb.project("P").fileList()]) {
            const error = await rejection(call());
            assert.ok(isUnexpectedContentError(error), String(error));
          }
        } finally {
          await cdb.close().catch(() => undefined);
        }
      });
    }

    for (const body of ['{"success":true,"msg":"oops","total_rows":1}', '{"success":false,"msg":"bad query"}', '{"success":true,"msg":[1,2],"total_rows":"abc"}', "[]", '{"success":true,"msg":[{"id":1}],"total_rows":-1}']) {
      scenario(`an RMA answer ${body} raises RmaError, not rows`, async () => {
        const api = track(await hostileServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body)));
        const error = await rejection(allen.query(`${api.url}${QUERY}`, { http: { retry: { retries: 0 } } }));
        assert.ok(allen.isRmaError(error), String(error));
      });
    }

    for (const size of ["abc", "-5", "99999999999999999999"]) {
      scenario(`an S3 listing giving Size ${size} fails that file with UnexpectedContentError before any GET; nothing on disk`, async () => {
        const server = track(
          await fakeS3({ "z/a.bin": "hello" }, {
            list: (_query, _req, res) => {
              const xml = listingXml(new Map([["z/a.bin", Buffer.from("hello")]]), "z/", null).replace("<Size>5</Size>", `<Size>${size}</Size>`);
              res.writeHead(200, { "content-type": "application/xml" }).end(xml);
              return true;
            },
          }),
        );
        const bucket = track(s3.bucket(FAKE_BUCKET, { ...server.options, maxAttempts: 1 }));
        const target = path.join(work.dir, `size-${size}`);
        const summary = await bucket.download("z/", target);
        assert.equal(summary.failed, 1);
        assert.ok(isUnexpectedContentError(summary.failures[0].error), String(summary.failures[0].error));
        assert.deepEqual(server.objectGets(), []);
        assert.deepEqual(filesUnder(target), []);
      });
    }
  });
});
