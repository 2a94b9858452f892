import { XMLParser, XMLValidator } from "fast-xml-parser";
import { UnsafeXmlError, XmlFormatError } from "./errors.js";

/** An element of a parsed document with its namespace resolved from in-scope declarations. */
export interface XmlElement {
  kind: "element";
  /** Qualified name as written, e.g. `nt:ER40_CR`. */
  name: string;
  prefix: string;
  local: string;
  /** Namespace URI (or `prefix:<p>` when a prefix is bound to an empty URI, as in pasted excerpts). */
  namespace: string;
  /** Attributes as written (qualified names), namespace declarations included. */
  attributes: Record<string, string>;
  children: XmlNode[];
  parent?: XmlElement;
}

/** A text node (character data and CDATA, trimmed). */
export interface XmlText {
  kind: "text";
  text: string;
  parent: XmlElement;
}

export type XmlNode = XmlElement | XmlText;

/** A parsed document: the root element plus every namespace prefix the document declares. */
export interface XmlDocument {
  root: XmlElement;
  /** prefix → namespace, first declaration wins ("" is the default namespace). */
  namespaces: Record<string, string>;
}

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

/**
 * Parses XML text safely: any DOCTYPE or ENTITY declaration is refused before parsing
 * ({@link UnsafeXmlError}), and a document that is not well-formed raises {@link XmlFormatError}.
 */
export function parseXml(text: string, source = "the server"): XmlDocument {
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
  return Object.keys(node).find((key) => key !== ":@" && key !== "#text");
}

function toElement(node: RawNode, parent: XmlElement | undefined, scope: Record<string, string>, declared: Record<string, string>): XmlElement {
  const name = elementNameOf(node)!;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries((node[":@"] as Record<string, unknown>) ?? {})) attributes[key] = String(value);
  const inScope = { ...scope };
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "xmlns" || key.startsWith("xmlns:")) {
      const prefix = key === "xmlns" ? "" : key.slice(6);
      inScope[prefix] = value === "" && prefix !== "" ? `prefix:${prefix}` : value;
      if (!(prefix in declared)) declared[prefix] = inScope[prefix];
    }
  }
  const colon = name.indexOf(":");
  const prefix = colon >= 0 ? name.slice(0, colon) : "";
  const local = colon >= 0 ? name.slice(colon + 1) : name;
  const namespace = inScope[prefix] ?? (prefix ? `prefix:${prefix}` : "");
  const element: XmlElement = { kind: "element", name, prefix, local, namespace, attributes, children: [], parent };
  for (const child of (node[name] as RawNode[]) ?? []) {
    if ("#text" in child) {
      const text = String(child["#text"]);
      if (text !== "") element.children.push({ kind: "text", text, parent: element });
    } else if (elementNameOf(child) !== undefined) {
      element.children.push(toElement(child, element, inScope, declared));
    }
  }
  return element;
}

/** The concatenated text of an element and its descendants. */
export function textOf(node: XmlNode): string {
  if (node.kind === "text") return node.text;
  return node.children.map(textOf).join("");
}

/** The namespace of a qualified attribute name on `element` ("" for unprefixed attributes). */
export function attributeNamespace(element: XmlElement, qualified: string): string {
  const colon = qualified.indexOf(":");
  if (colon < 0) return "";
  const prefix = qualified.slice(0, colon);
  for (let e: XmlElement | undefined = element; e; e = e.parent) {
    const declared = e.attributes[`xmlns:${prefix}`];
    if (declared !== undefined) return declared === "" ? `prefix:${prefix}` : declared;
  }
  return prefix === "xml" ? "http://www.w3.org/XML/1998/namespace" : `prefix:${prefix}`;
}

/** True for `xmlns`, `xmlns:*` and `xsi:*` bookkeeping attributes. */
export function isNamespaceAttribute(name: string): boolean {
  return name === "xmlns" || name.startsWith("xmlns:") || name.startsWith("xsi:");
}

/** The child elements of an element. */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((child): child is XmlElement => child.kind === "element");
}
