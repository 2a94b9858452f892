import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FileHasher, FileHashError, isFileHashError, md5OfFile } from "../../lib/files/index.js";

const md5Of = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

describe("FileHasher (MD5 of files on worker threads)", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "np-hasher-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `use` with a fresh hasher of `threads` threads, closed afterwards whatever happens. */
  const withHasher = async (threads: number, use: (hasher: FileHasher) => Promise<void>) => {
    const hasher = new FileHasher(threads);
    try {
      await use(hasher);
    } finally {
      await hasher.close();
    }
  };

  const write = (name: string, bytes: Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it("gives the MD5 of empty, tiny and multi-block files, as crypto does in memory", async () => {
    await withHasher(1, async (hasher) => {
      for (const bytes of [Buffer.alloc(0), Buffer.from("x"), randomBytes(3 * (1 << 20) + 7)]) {
        assert.equal(await hasher.md5(write(`f${bytes.length}`, bytes)), md5Of(bytes));
      }
    });
  });

  it("answers each of many concurrent requests with its own file's digest, across threads", async () => {
    await withHasher(2, async (hasher) => {
      const files = Array.from({ length: 40 }, (_, i) => {
        const bytes = randomBytes(1000 + i * 997);
        return { file: write(`c${i}`, bytes), md5: md5Of(bytes) };
      });
      const digests = await Promise.all(files.map(({ file }) => hasher.md5(file)));
      assert.deepEqual(digests, files.map(({ md5 }) => md5));
    });
  });

  it("raises FileHashError naming the file and the system's code, and goes on working", async () => {
    await withHasher(1, async (hasher) => {
      const missing = path.join(dir, "missing.bin");
      await assert.rejects(hasher.md5(missing), (error: unknown) => {
        assert.ok(isFileHashError(error));
        assert.equal(error.path, missing);
        assert.equal(error.osCode, "ENOENT");
        assert.equal(error.code, "E_FILE_HASH");
        assert.match(error.message, /missing\.bin/);
        assert.ok(error.hint);
        return true;
      });
      await assert.rejects(hasher.md5(dir), (error: unknown) => error instanceof FileHashError && error.osCode === "EISDIR");
      const bytes = Buffer.from("after the failures");
      assert.equal(await hasher.md5(write("after", bytes)), md5Of(bytes));
    });
  });

  it("hashes a file while it is appended to, including bytes it held before, whatever the advance calls say", async () => {
    await withHasher(1, async (hasher) => {
      const file = path.join(dir, "growing.bin");
      const before = randomBytes(300_000);
      fs.writeFileSync(file, before);
      const stream = hasher.stream(file);
      const pieces = [randomBytes(1 << 20), randomBytes(5), randomBytes(2 * (1 << 20) + 3)];
      let length = before.length;
      stream.advance(length + 10_000_000);
      for (const piece of pieces) {
        fs.appendFileSync(file, piece);
        length += piece.length;
        stream.advance(length);
        stream.advance(length - 100);
      }
      fs.appendFileSync(file, Buffer.from("tail written after the last advance"));
      assert.equal(await stream.digest(), md5Of(fs.readFileSync(file)));
      await assert.rejects(stream.digest(), isFileHashError, "a stream gives one digest");
    });
  });

  it("hashes a stream whose file appears only after it was opened, and fails typed when the file never appears or was dropped", async () => {
    await withHasher(2, async (hasher) => {
      const late = path.join(dir, "late.bin");
      const stream = hasher.stream(late);
      const bytes = randomBytes(1234);
      fs.writeFileSync(late, bytes);
      stream.advance(bytes.length);
      assert.equal(await stream.digest(), md5Of(bytes));
      const never = path.join(dir, "never-written.bin");
      const missing = hasher.stream(never);
      missing.advance(100);
      await assert.rejects(missing.digest(), (error: unknown) => isFileHashError(error) && error.osCode === "ENOENT" && error.path === never);
      const dropped = hasher.stream(late);
      dropped.drop();
      await assert.rejects(dropped.digest(), isFileHashError);
      assert.equal(await hasher.md5(late), md5Of(bytes), "the thread goes on working");
    });
  });

  it("refuses work once closed, and refuses a thread count below one", async () => {
    const hasher = new FileHasher(1);
    await hasher.md5(write("before-close", Buffer.from("a")));
    await hasher.close();
    await assert.rejects(hasher.md5(path.join(dir, "before-close")), (error: unknown) => isFileHashError(error) && /closed/.test(error.message));
    assert.throws(() => new FileHasher(0), RangeError);
  });

  it("md5OfFile hashes on the shared hasher, with the same typed errors", async () => {
    const bytes = randomBytes(70_000);
    assert.equal(await md5OfFile(write("shared", bytes)), md5Of(bytes));
    await assert.rejects(md5OfFile(path.join(dir, "nowhere.bin")), (error: unknown) => isFileHashError(error) && error.osCode === "ENOENT");
  });

  it("does not keep the process alive when it is never closed", function () {
    this.timeout(30_000);
    const bytes = randomBytes(5000);
    const file = write("alive", bytes);
    const script = path.join(dir, "never-closed.ts");
    const library = path.resolve(__dirname, "../../lib/files/index.ts");
    fs.writeFileSync(script, `import { FileHasher } from ${JSON.stringify(library)};\nnew FileHasher(2).md5(${JSON.stringify(file)}).then((md5) => console.log(md5));\n`);
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 20_000, cwd: path.resolve(__dirname, "../..") });
    assert.equal(run.error, undefined, "the process did not exit on its own");
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), md5Of(bytes));
  });
});
