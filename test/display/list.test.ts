import * as assert from "node:assert/strict";
import { formatList } from "../../lib/display/index.js";
import { isInvalidArgumentError } from "../../lib/errors.js";

const LABELS = ["100307", "103515", "103818", "111312", "114924", "117122", "118932", "119833", "120212", "125525", "128632", "130013", "137128"];

describe("display: formatList", () => {
  it("prints a Python list literal, wrapped between items within the width", () => {
    const text = formatList(LABELS, { width: 40 });
    const lines = text.split("\n");
    assert.ok(lines.length > 1, "wrapped");
    for (const line of lines) assert.ok(line.length <= 40, `${JSON.stringify(line)} is longer than 40`);
    assert.equal(lines[0], "['100307', '103515', '103818', '111312',");
    assert.ok(lines.slice(1).every((line) => /^ '\d{6}'/.test(line)), "continuation lines start with an item, indented by one space");
    assert.equal(text.replace(/,\n /g, ", "), `[${LABELS.map((l) => `'${l}'`).join(", ")}]`, "joining the lines gives the one-line form");
  });

  it("short lists stay on one line; items keep Python's quoting and prefixes", () => {
    assert.equal(formatList(["q1/", "q1/100307/"], { stringPrefix: "u" }), "[u'q1/', u'q1/100307/']");
    assert.equal(formatList([]), "[]");
    assert.equal(formatList(["it's", 'say "hi"', "a\\b"]), `["it's", 'say "hi"', 'a\\\\b']`);
  });

  it("an item longer than the width gets a line of its own, never split", () => {
    const long = "x".repeat(30);
    assert.deepEqual(formatList(["a", long, "b"], { width: 12 }).split("\n"), ["['a',", ` '${long}',`, " 'b']"]);
    assert.throws(() => formatList(["a"], { width: 3 }), isInvalidArgumentError);
  });
});
