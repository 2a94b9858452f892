import { strict as assert } from "node:assert";
import { bodyKind, describeKind, unparsedKind } from "../../lib/http/body-kind.js";
import { UnexpectedContentError } from "../../lib/http/errors.js";

describe("http: body kinds as values", () => {
  it("classifies bodies by their start", () => {
    assert.equal(bodyKind("  <!DOCTYPE html><html><body>down</body></html>"), "html");
    assert.equal(bodyKind("<div><title>Maintenance</title></div>"), "html");
    assert.equal(bodyKind('<?xml version="1.0"?><ListBucketResult/>'), "xml");
    assert.equal(bodyKind('{"ResultSet": {}}'), "json");
    assert.equal(bodyKind(" \n"), "empty");
    assert.equal(bodyKind("0123456789ABCDEF0123"), "text");
  });

  it("calls JSON-looking text that did not parse malformed-json", () => {
    assert.equal(unparsedKind('{"cut": '), "malformed-json");
    assert.equal(unparsedKind("<html><body>x</body></html>"), "html");
  });

  it("words each kind once, and errors carry the kind as a field and the words in the message", () => {
    assert.equal(describeKind("html"), "an HTML page");
    assert.equal(describeKind("empty"), "an empty body");
    const error = new UnexpectedContentError("JSON", "malformed-json", "http://127.0.0.1:9/x");
    assert.equal(error.received, "malformed-json");
    assert.match(error.message, /expected JSON but received malformed JSON/);
    assert.equal(error.transient, false);
  });
});
