import { checkArgument, type Rule } from "../core/validate.js";

/** A document from {@link parseXml}: a root element and its namespace declarations. */
export const xmlDocument: Rule = {
  describe: "a document from parseXml()",
  test: (v) => typeof v === "object" && v !== null && typeof (v as XmlDocument).namespaces === "object" && (v as XmlDocument).root?.kind === "element",
};
const xpathNode: Rule = { describe: "a node from evaluateXPath()", test: (v) => typeof v === "object" && v !== null && ["element", "text", "attribute"].includes((v as XPathNode).kind) };
import { XPathError } from "./errors.js";
import { attributeNamespace, childElements, isNamespaceAttribute, textOf, type XmlDocument, type XmlElement, type XmlText } from "./xml.js";

/** An attribute selected by an xpath. */
export interface XmlAttribute {
  kind: "attribute";
  name: string;
  value: string;
  owner: XmlElement;
}

/** What an xpath selects. */
export type XPathNode = XmlElement | XmlText | XmlAttribute;

type NameTest = { type: "name"; prefix: string; local: string } | { type: "any" } | { type: "text" } | { type: "node" };

type Predicate =
  | { type: "position"; index: number }
  | { type: "last" }
  | { type: "attribute"; name: string; value?: string }
  | { type: "child"; name: string; value: string };

interface Step {
  axis: "child" | "attribute" | "self" | "parent";
  /** Preceded by `//`: the axis applies to the context element and all its descendants. */
  deep: boolean;
  test: NameTest;
  predicates: Predicate[];
}

/** A compiled path: absolute (from the document) or relative to the root element. */
export interface CompiledPath {
  expression: string;
  absolute: boolean;
  steps: Step[];
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

/** Compiles the supported xpath subset: `a/b`, `//`, `*`, `@x`, `@*`, `text()`, `.`, `..`, `[n]`, `[last()]`, `[@a='v']`, `[@a]`, `[b='v']`. */
export function compileXPath(expression: string): CompiledPath {
  if (typeof expression !== "string" || expression.trim() === "") throw new XPathError(String(expression), "the expression is empty");
  const text = expression.trim();
  const steps: Step[] = [];
  let pos = 0;
  let absolute = false;
  let descendant = false;
  if (text.startsWith("//")) {
    absolute = true;
    descendant = true;
    pos = 2;
  } else if (text.startsWith("/")) {
    absolute = true;
    pos = 1;
  }
  while (pos <= text.length) {
    let end = pos;
    let quote = "";
    let depth = 0;
    while (end < text.length) {
      const c = text[end];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "[") depth++;
      else if (c === "]") depth--;
      else if (c === "/" && depth === 0) break;
      end++;
    }
    const raw = text.slice(pos, end).trim();
    if (raw === "") {
      if (absolute && steps.length === 0 && end >= text.length && !descendant) break;
      throw new XPathError(expression, `empty step at character ${pos + 1}`);
    }
    steps.push(compileStep(raw, descendant, expression));
    if (end >= text.length) break;
    descendant = text.startsWith("//", end);
    pos = end + (descendant ? 2 : 1);
    if (pos >= text.length) throw new XPathError(expression, "the expression ends with a slash");
  }
  return { expression, absolute, steps };
}

function compileStep(raw: string, deep: boolean, expression: string): Step {
  const bracket = raw.indexOf("[");
  const head = (bracket >= 0 ? raw.slice(0, bracket) : raw).trim();
  const predicates = bracket >= 0 ? compilePredicates(raw.slice(bracket), expression) : [];
  const step = (axis: Step["axis"], test: NameTest): Step => ({ axis, deep, test, predicates });
  if (head === ".") return step("self", { type: "node" });
  if (head === "..") return step("parent", { type: "node" });
  if (head === "*") return step("child", { type: "any" });
  if (head === "text()") return step("child", { type: "text" });
  if (head === "node()") return step("child", { type: "node" });
  if (head.startsWith("@")) {
    const name = head.slice(1);
    if (name === "*") return step("attribute", { type: "any" });
    if (!NAME.test(name)) throw new XPathError(expression, `${JSON.stringify(head)} is not an attribute name`);
    const [prefix, local] = splitName(name);
    return step("attribute", { type: "name", prefix, local });
  }
  if (!NAME.test(head)) throw new XPathError(expression, `${JSON.stringify(head)} is not a supported step`);
  const [prefix, local] = splitName(head);
  return step("child", { type: "name", prefix, local });
}

function compilePredicates(text: string, expression: string): Predicate[] {
  const out: Predicate[] = [];
  const pattern = /\[\s*(?:(\d+)|(last\(\))|@([\w.:-]+)(?:\s*=\s*(?:'([^']*)'|"([^"]*)"))?|([\w.:-]+|text\(\))\s*=\s*(?:'([^']*)'|"([^"]*)"))\s*\]/y;
  let pos = 0;
  while (pos < text.length) {
    pattern.lastIndex = pos;
    const m = pattern.exec(text);
    if (!m) throw new XPathError(expression, `unsupported predicate ${JSON.stringify(text.slice(pos))}`);
    if (m[1] !== undefined) {
      const index = Number(m[1]);
      if (index < 1) throw new XPathError(expression, "positions start at 1");
      out.push({ type: "position", index });
    } else if (m[2] !== undefined) out.push({ type: "last" });
    else if (m[3] !== undefined) out.push({ type: "attribute", name: m[3], value: m[4] ?? m[5] });
    else out.push({ type: "child", name: m[6], value: m[7] ?? m[8] ?? "" });
    pos = pattern.lastIndex;
  }
  return out;
}

const splitName = (name: string): [string, string] => {
  const colon = name.indexOf(":");
  return colon < 0 ? ["", name] : [name.slice(0, colon), name.slice(colon + 1)];
};

/** Every namespace prefix a compiled path uses, in steps and predicates. */
function prefixesOf(compiled: CompiledPath): Set<string> {
  const prefixes = new Set<string>();
  for (const step of compiled.steps) {
    if (step.test.type === "name") prefixes.add(step.test.prefix);
    for (const predicate of step.predicates) {
      if ((predicate.type === "attribute" || predicate.type === "child") && predicate.name !== "text()") prefixes.add(splitName(predicate.name)[0]);
    }
  }
  prefixes.delete("");
  return prefixes;
}

/**
 * Evaluates a path against a document; relative paths start at the root element (as pyxnat's
 * xpath does). Every prefix the path uses must be declared in the document, whether or not a
 * step reaches it: an undeclared one raises {@link XPathError} instead of selecting nothing.
 */
export function evaluateXPath(document: XmlDocument, path: string | CompiledPath): XPathNode[] {
  checkArgument(document, xmlDocument, "document", "evaluateXPath()");
  const compiled = typeof path === "string" ? compileXPath(path) : path;
  const resolve = (prefix: string): string => {
    if (prefix === "") return "";
    const uri = document.namespaces[prefix];
    if (uri === undefined) {
      const declared = Object.keys(document.namespaces).filter(Boolean);
      throw new XPathError(compiled.expression, `the prefix "${prefix}" is not declared in the document`, `declared prefixes: ${declared.join(", ") || "none"}`);
    }
    return uri;
  };
  for (const prefix of prefixesOf(compiled)) resolve(prefix);
  const documentNode: XmlElement = { kind: "element", name: "#document", prefix: "", local: "#document", namespace: "", attributes: {}, children: [document.root] };
  let context: XPathNode[] = compiled.absolute ? [documentNode] : [document.root];
  for (const step of compiled.steps) {
    const next: XPathNode[] = [];
    const seen = new Set<XPathNode>();
    for (const node of context) {
      for (const selected of applyStep(node, step, resolve)) {
        if (selected === documentNode || seen.has(selected)) continue;
        seen.add(selected);
        next.push(selected);
      }
    }
    context = next;
  }
  return context;
}

function applyStep(node: XPathNode, step: Step, resolve: (prefix: string) => string): XPathNode[] {
  if (step.deep && node.kind === "element") {
    const all: XPathNode[] = [];
    for (const holder of selfAndDescendants(node)) all.push(...applyStep(holder, { ...step, deep: false }, resolve));
    return all;
  }
  if (step.axis === "self") return filterPredicates([node], step.predicates, resolve);
  if (step.axis === "parent") {
    const parent = node.kind === "attribute" ? node.owner : node.parent;
    return parent ? filterPredicates([parent], step.predicates, resolve) : [];
  }
  if (node.kind !== "element") return [];
  if (step.axis === "attribute") return filterPredicates(attributesOf(node, step.test, resolve), step.predicates, resolve);
  const candidates = node.children.filter((child) => matches(child, step.test, resolve));
  return filterPredicates(candidates, step.predicates, resolve);
}

function attributesOf(element: XmlElement, test: NameTest, resolve: (prefix: string) => string): XmlAttribute[] {
  const out: XmlAttribute[] = [];
  for (const [name, value] of Object.entries(element.attributes)) {
    if (test.type === "name") {
      if (name === "xmlns" || name.startsWith("xmlns:")) continue;
      if (splitName(name)[1] !== test.local) continue;
      if (attributeNamespace(element, name) !== resolve(test.prefix)) continue;
    } else if (test.type !== "any" || isNamespaceAttribute(name)) continue;
    out.push({ kind: "attribute", name, value, owner: element });
  }
  return out;
}

function* selfAndDescendants(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of childElements(element)) yield* selfAndDescendants(child);
}

function matches(node: XPathNode, test: NameTest, resolve: (prefix: string) => string): boolean {
  if (test.type === "node") return true;
  if (test.type === "text") return node.kind === "text";
  if (node.kind !== "element") return false;
  if (test.type === "any") return true;
  return node.local === test.local && node.namespace === resolve(test.prefix);
}

function filterPredicates(nodes: XPathNode[], predicates: Predicate[], resolve: (prefix: string) => string): XPathNode[] {
  let current = nodes;
  for (const predicate of predicates) {
    if (predicate.type === "position") current = current.length >= predicate.index ? [current[predicate.index - 1]] : [];
    else if (predicate.type === "last") current = current.length ? [current[current.length - 1]] : [];
    else if (predicate.type === "attribute") {
      current = current.filter((node) => {
        if (node.kind !== "element") return false;
        const [prefix, local] = splitName(predicate.name);
        const uri = resolve(prefix);
        return Object.entries(node.attributes).some(
          ([name, value]) => splitName(name)[1] === local && attributeNamespace(node, name) === uri && (predicate.value === undefined || value === predicate.value),
        );
      });
    } else {
      current = current.filter((node) => {
        if (node.kind !== "element") return false;
        if (predicate.name === "text()") return node.children.some((c) => c.kind === "text" && c.text === predicate.value);
        const [prefix, local] = splitName(predicate.name);
        const uri = resolve(prefix);
        return childElements(node).some((child) => child.local === local && child.namespace === uri && textOf(child) === predicate.value);
      });
    }
  }
  return current;
}

/** The string value of a selected node: element text, attribute value or text content. */
export function valueOf(node: XPathNode): string {
  checkArgument(node, xpathNode, "node", "valueOf()");
  if (node.kind === "attribute") return node.value;
  return textOf(node);
}
