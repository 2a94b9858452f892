import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../lib/cli/main.js";
import { captureIo, filesUnder, tempDir, withAllenDemo } from "./helpers.js";

describe("cli: neuroportal allen", () => {
  let api: string;
  let dir: string;
  withAllenDemo((url) => (api = url));
  beforeEach(() => (dir = tempDir("np-allen-cli-").dir));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const expectedFiles = [path.join("atlasVolume", "atlasVolume.mhd"), path.join("atlasVolume", "atlasVolume.raw"), "energy.mhd", "energy.raw"];

  it("download with long flags writes the atlas volume then the grid file and prints the paths", async () => {
    const c = captureIo();
    const code = await main(["allen", "download", "--dataSetId", "70813257", "--outputDirectory", dir, "--api", api], c.io);
    assert.equal(code, 0, c.err());
    assert.deepEqual(filesUnder(dir), expectedFiles);
    assert.deepEqual(c.out().trim().split("\n"), [path.join(dir, "atlasVolume", "atlasVolume.mhd"), path.join(dir, "atlasVolume", "atlasVolume.raw"), path.join(dir, "energy.mhd"), path.join(dir, "energy.raw")]);
    assert.equal(c.err(), "", "no progress drawn when stderr is not a terminal");
  });

  it("short flags -d/-o work, and the default data set is 69855739", async () => {
    const withDefault = tempDir("np-allen-cli-").dir;
    try {
      assert.equal(await main(["allen", "download", "-d", "69855739", "-o", dir, "--api", api], captureIo().io), 0);
      assert.equal(await main(["allen", "download", "-o", withDefault, "--api", api], captureIo().io), 0);
      const explicit = fs.readFileSync(path.join(dir, "energy.raw"));
      assert.ok(explicit.equals(fs.readFileSync(path.join(withDefault, "energy.raw"))), "no -d downloads data set 69855739");
      const other = tempDir("np-allen-cli-").dir;
      assert.equal(await main(["allen", "download", "-d", "70813257", "-o", other, "--api", api], captureIo().io), 0);
      assert.ok(!explicit.equals(fs.readFileSync(path.join(other, "energy.raw"))), "another data set has another pattern");
      fs.rmSync(other, { recursive: true, force: true });
    } finally {
      fs.rmSync(withDefault, { recursive: true, force: true });
    }
  });

  it("the default output directory is the current directory", async () => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      assert.equal(await main(["allen", "download", "--api", api], captureIo().io), 0);
    } finally {
      process.chdir(before);
    }
    assert.deepEqual(filesUnder(dir), expectedFiles);
  });

  it("the default API is the real one (named in the usage text)", async () => {
    const c = captureIo();
    assert.equal(await main(["allen", "--help"], c.io), 0);
    assert.match(c.out(), /--dataSetId\|-d ID \(default 69855739\)/);
    assert.match(c.out(), /--outputDirectory\|-o DIR \(default \.\)/);
    assert.match(c.out(), /--api URL \(default https:\/\/api\.brain-map\.org\/\)/);
  });

  it("draws progress on stderr when it is a terminal", async () => {
    const c = captureIo(true);
    assert.equal(await main(["allen", "download", "-o", dir, "--api", api], c.io), 0);
    assert.match(c.err(), /\ratlasVolume\.zip: [\d.]+ \/ [\d.]+ MB \(100%\)/);
    assert.match(c.err(), /\rgrid_data 69855739: [\d.]+ \/ [\d.]+ MB \(100%\)/);
  });

  it("bad arguments exit 2 with a clear message and write nothing", async () => {
    for (const argv of [
      ["allen", "download", "-d", "abc", "-o", dir, "--api", api],
      ["allen", "download", "-d", "-5", "-o", dir, "--api", api],
      ["allen", "download", "--colour", "red"],
      ["allen", "download", "--api", "ftp://example.org/"],
      ["allen"],
      ["allen", "frobnicate"],
    ]) {
      const c = captureIo();
      assert.equal(await main(argv, c.io), 2, argv.join(" "));
      assert.match(c.err(), /^neuroportal allen: /, argv.join(" "));
    }
    assert.deepEqual(filesUnder(dir), []);
  });

  it("an unknown data set exits 1 naming the 404, after the atlas volume was written", async () => {
    const c = captureIo();
    assert.equal(await main(["allen", "download", "-d", "1234", "-o", dir, "--api", api], c.io), 1);
    assert.match(c.err(), /HTTP 404.*SectionDataSet 1234 does not exist/);
    assert.deepEqual(filesUnder(dir), expectedFiles.slice(0, 2));
  });

  it("an unreachable API exits 1 with a network error", async () => {
    const c = captureIo();
    assert.equal(await main(["allen", "download", "-o", dir, "--api", "http://127.0.0.1:9/"], c.io), 1);
    assert.match(c.err(), /nothing is listening|failed/);
  });

  it("query prints every row as JSON lines or CSV", async () => {
    const url = `${api}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]&only=id,acronym,name`;
    const json = captureIo();
    assert.equal(await main(["allen", "query", url, "--numRows", "700"], json.io), 0, json.err());
    const lines = json.out().trim().split("\n").map((l) => JSON.parse(l));
    assert.ok(lines.length > 2000);
    assert.match(json.err(), new RegExp(`^${lines.length} rows\\n$`));
    const csv = captureIo();
    assert.equal(await main(["allen", "query", url, "--format", "csv"], csv.io), 0);
    const rows = csv.out().trim().split("\n");
    assert.equal(rows[0], "id,acronym,name");
    assert.equal(rows.length, lines.length + 1);
    assert.ok(rows.some((r) => /^\d+,[^,]+,"[^"]*,[^"]*"$/.test(r)), "names with commas are quoted");
    const bad = captureIo();
    assert.equal(await main(["allen", "query", `${api}api/v2/data/Nope/query.json`], bad.io), 1);
    assert.match(bad.err(), /unknown model Nope/);
  });
});
