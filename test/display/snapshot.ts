import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const SNAPSHOT_DIR = path.join(__dirname, "__snapshots__");

/**
 * Compares text with the committed snapshot test/display/__snapshots__/<name>. A missing or
 * different snapshot fails; run with UPDATE_SNAPSHOTS=1 to (re)write snapshots, then review the diff.
 */
export function matchSnapshot(name: string, actual: string): void {
  const file = path.join(SNAPSHOT_DIR, name);
  if (process.env.UPDATE_SNAPSHOTS === "1") {
    fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) assert.fail(`no snapshot ${path.relative(process.cwd(), file)}: run the tests with UPDATE_SNAPSHOTS=1 and review the new file`);
  const expected = fs.readFileSync(file, "utf8");
  if (actual !== expected) {
    assert.equal(actual, expected, `output differs from ${path.relative(process.cwd(), file)} (UPDATE_SNAPSHOTS=1 rewrites it if the change is intended)`);
  }
}

/** Pretty JSON for figure snapshots (NaN/Infinity become null, as in what plotly receives). */
export function figureJson(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}
