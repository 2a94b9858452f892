import * as assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { progress, show } from "../../lib/display/index.js";
import { formatProgress } from "../../lib/display/progress.js";

function fakeStream(isTTY: boolean) {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & { written: string };
  stream.written = "";
  (stream as { isTTY: boolean }).isTTY = isTTY;
  (stream as { write: unknown }).write = (chunk: string) => ((stream.written += chunk), true);
  return stream;
}

describe("display: progress line", () => {
  it("formats a bar, percentage, counts and a note", () => {
    assert.equal(formatProgress("download", { done: 7, total: 20, text: "a.nii" }, 10), "download [####......] 35% 7/20 a.nii");
    assert.equal(formatProgress("pages", { done: 3 }), "pages 3");
    assert.equal(formatProgress("x", { done: 5, total: 4 }, 4), "x [####] 100% 5/4");
  });

  it("on a terminal redraws one line, throttled, and ends it", () => {
    const stream = fakeStream(true);
    const p = progress("dl", { stream, intervalMs: 60_000, width: 4 });
    p.update({ done: 1, total: 4 });
    p.update({ done: 2, total: 4 });
    p.update({ done: 3, total: 4 });
    p.done();
    p.update({ done: 4, total: 4 });
    assert.equal(stream.written, "\rdl [#...] 25% 1/4\x1b[K\rdl [####] 100% 4/4 done\x1b[K\n");
  });

  it("in logs (not a terminal) writes only the final line", () => {
    const stream = fakeStream(false);
    const p = progress("files", { stream, intervalMs: 0, width: 2 });
    for (let i = 1; i <= 5; i++) p.update({ done: i, total: 5 });
    p.done("5 files, 1.2 MB");
    assert.equal(stream.written, "files [##] 100% 5/5 5 files, 1.2 MB\n");
  });

  it("show() prints a text table outside a kernel", () => {
    const original = process.stdout.write.bind(process.stdout);
    let out = "";
    (process.stdout as { write: unknown }).write = (chunk: string) => ((out += chunk), true);
    try {
      show([{ id: "100307", a: 33 }, { id: "103515", a: NaN }]);
    } finally {
      (process.stdout as { write: unknown }).write = original;
    }
    assert.equal(out, "id        a\n100307   33\n103515  NaN\n[2 rows × 2 columns]\n");
  });
});
