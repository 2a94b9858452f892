/**
 * Former implementations kept verbatim as reference oracles for differential tests: the
 * fast-xml-parser based tree builder of `parseXml` (replaced by the single-pass scanner in
 * lib/xnat/xml-parser.ts) and `toNumber`/`toDocumentFields`/`toWideTable` before their rewrite.
 * Known differences, all deliberate fixes in the scanner: character references (`&#65;`) stay
 * undecoded here, unknown entities pass through, content after the root element and `<` in
 * attribute values are accepted, and names such as `constructor` break the builder.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { UnsafeXmlError, XmlFormatError } from "../../lib/xnat/errors.js";
import type { DocumentField, WideTable } from "../../lib/xnat/document-table.js";
import type { ColumnTypes } from "../../lib/frame/types.js";
import { childElements, isNamespaceAttribute, textOf, type XmlDocument, type XmlElement, type XmlNode } from "../../lib/xnat/xml.js";

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

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `toNumber` before its hand-written matcher. */
export function referenceToNumber(text: string): number {
  if (text === "") return NaN;
  const trimmed = text.trim();
  return NUMERIC.test(trimmed) ? Number(trimmed) : NaN;
}

/** `toDocumentFields` before shared field places. */
export function referenceToDocumentFields(document: XmlDocument): DocumentField[] {
  const rows: DocumentField[] = [];
  visitFields(document.root, "", "", rows);
  return rows;
}

const join = (head: string, tail: string): string => (head === "" ? tail : `${head}/${tail}`);

function pushAttributes(element: XmlElement, group: string, path: string, rows: DocumentField[]): void {
  const attributes = element.attributes;
  for (const name in attributes) {
    if (isNamespaceAttribute(name)) continue;
    const text = attributes[name];
    const field = `@${name}`;
    rows.push({ group, field, value: referenceToNumber(text), text, path: join(path, field) });
  }
}

function visitFields(element: XmlElement, group: string, path: string, rows: DocumentField[]): void {
  pushAttributes(element, group, path, rows);
  const children = childElements(element);
  const counts = new Map<string, number>();
  for (const child of children) counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const child of children) {
    const index = (seen.get(child.name) ?? 0) + 1;
    seen.set(child.name, index);
    const suffix = (counts.get(child.name) ?? 0) > 1 ? `[${index}]` : "";
    const childPath = join(path, `${child.name}${suffix}`);
    const childGroup = join(group, `${child.local}${suffix}`);
    if (!child.children.some((c) => c.kind === "element")) {
      pushAttributes(child, childGroup, childPath, rows);
      const text = textOf(child);
      if (text !== "" || Object.keys(child.attributes).length === 0) {
        rows.push({ group, field: `${child.local}${suffix}`, value: referenceToNumber(text), text, path: childPath });
      }
    } else {
      visitFields(child, childGroup, childPath, rows);
    }
  }
}

const IDENTIFIER = /(^|[_@/])(id|label|project)$/i;

/** `toWideTable` before column templates and single-pass type detection. */
export function referenceToWideTable(documents: readonly { leading: Record<string, string>; fields: readonly DocumentField[] }[]): WideTable {
  const columns: string[] = [];
  const known = new Set<string>();
  const add = (column: string) => {
    if (!known.has(column)) {
      known.add(column);
      columns.push(column);
    }
  };
  for (const doc of documents) for (const column of Object.keys(doc.leading)) add(column);
  const leadingColumns = new Set(columns);
  const rows = documents.map((doc) => {
    const row: Record<string, string> = { ...doc.leading };
    for (const field of doc.fields) {
      const column = field.group === "" ? field.field : `${field.group}/${field.field}`;
      if (leadingColumns.has(column)) continue;
      add(column);
      row[column] = field.text;
    }
    return row;
  });
  const types: ColumnTypes = {};
  for (const column of columns) {
    if (leadingColumns.has(column) || IDENTIFIER.test(column)) {
      types[column] = "string";
      continue;
    }
    let any = false;
    let numeric = true;
    for (const row of rows) {
      const text = row[column];
      if (text === undefined || text === "") continue;
      const trimmed = text.trim();
      if (trimmed === "") continue;
      if (!NUMERIC.test(trimmed)) {
        numeric = false;
        break;
      }
      any = true;
    }
    types[column] = numeric && any ? "number" : "string";
  }
  return { columns, types, rows };
}
