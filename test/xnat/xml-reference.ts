/**
 * The former fast-xml-parser based tree builder of `parseXml`, kept verbatim as a reference
 * oracle for the differential tests of the single-pass scanner (lib/xnat/xml-parser.ts).
 * Known differences, all deliberate fixes in the scanner: character references (`&#65;`) stay
 * undecoded here, unknown entities pass through, content after the root element and `<` in
 * attribute values are accepted, and names such as `constructor` break the builder.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { UnsafeXmlError, XmlFormatError } from "../../lib/xnat/errors.js";
import type { XmlDocument, XmlElement, XmlNode } from "../../lib/xnat/xml.js";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: false,
});

/** fast-xml-parser's verdict on a document: true, or its error with position. */
export function referenceValidate(text: string): true | { msg: string; line: number; col: number } {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  return valid === true ? true : valid.err;
}

/** `parseXml` as it was before the single-pass scanner. */
export function referenceParseXml(text: string, source = "the server"): XmlDocument {
  const declaration = /<!\s*(DOCTYPE|ENTITY)/i.exec(text);
  if (declaration) throw new UnsafeXmlError(declaration[1].toUpperCase(), source);
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) throw new XmlFormatError(valid.err.msg, source, { line: valid.err.line, column: valid.err.col });
  const nodes = parser.parse(text) as RawNode[];
  const rootNode = nodes.find((node) => elementNameOf(node) !== undefined);
  if (!rootNode) throw new XmlFormatError("there is no root element", source);
  const namespaces: Record<string, string> = {};
  const root = toElement(rootNode, undefined, { xml: "http://www.w3.org/XML/1998/namespace" }, namespaces);
  return { root, namespaces };
}

type RawNode = Record<string, unknown>;

function elementNameOf(node: RawNode): string | undefined {
  for (const key in node) if (key !== ":@" && key !== "#text") return key;
  return undefined;
}

function toElement(node: RawNode, parent: XmlElement | undefined, scope: Record<string, string>, declared: Record<string, string>): XmlElement {
  const name = elementNameOf(node)!;
  const attributes: Record<string, string> = {};
  const raw = node[":@"] as Record<string, unknown> | undefined;
  let inScope = scope;
  if (raw !== undefined) {
    for (const key in raw) {
      const value = String(raw[key]);
      attributes[key] = value;
      if (key === "xmlns" || key.startsWith("xmlns:")) {
        if (inScope === scope) inScope = { ...scope };
        const prefix = key === "xmlns" ? "" : key.slice(6);
        inScope[prefix] = value === "" && prefix !== "" ? `prefix:${prefix}` : value;
        if (!(prefix in declared)) declared[prefix] = inScope[prefix];
      }
    }
  }
  const colon = name.indexOf(":");
  const prefix = colon >= 0 ? name.slice(0, colon) : "";
  const local = colon >= 0 ? name.slice(colon + 1) : name;
  const namespace = inScope[prefix] ?? (prefix ? `prefix:${prefix}` : "");
  const children: XmlNode[] = [];
  const element: XmlElement = { kind: "element", name, prefix, local, namespace, attributes, children, parent };
  const rawChildren = node[name] as RawNode[] | undefined;
  if (rawChildren !== undefined) {
    for (const child of rawChildren) {
      const text = child["#text"];
      if (text !== undefined) {
        const value = String(text);
        if (value !== "") children.push({ kind: "text", text: value, parent: element });
      } else if (elementNameOf(child) !== undefined) {
        children.push(toElement(child, element, inScope, declared));
      }
    }
  }
  return element;
}
