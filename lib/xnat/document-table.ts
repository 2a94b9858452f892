import { checkArgument, record, type Rule } from "../core/validate.js";
import { xmlDocument } from "./xpath.js";

const iterable: Rule = { describe: "a list of fields (from toDocumentFields())", test: (v) => typeof v === "object" && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function" };
const documentList: Rule = { describe: "a list of { leading, fields } objects", test: (v) => Array.isArray(v) && v.every((d) => record.test(d) && record.test(d.leading) && iterable.test(d.fields)) };
const wideTable: Rule = { describe: "a table from toWideTable()", test: (v) => record.test(v) && Array.isArray((v as WideTable).columns) && Array.isArray((v as WideTable).rows) };
import type { DataFrame } from "danfojs-node";
import { InvalidArgumentError } from "../errors.js";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnTypes } from "../frame/types.js";
import { isNamespaceAttribute, textOf, type XmlDocument, type XmlElement } from "./xml.js";

/** One field of a document: where it sits, its name, and its value as number and as text. */
export interface DocumentField {
  /** Local names of the enclosing elements below the root, e.g. `ER40` or `sharing/share[2]` ("" at the root). */
  group: string;
  /** Local element name (`ER40_CR`) or `@attribute`. */
  field: string;
  /** The value as a number, NaN when the text is not numeric. */
  value: number;
  /** The value exactly as written. */
  text: string;
  /** An xpath that selects this field, e.g. `nt:ER40/nt:ER40_CR`. */
  path: string;
}

/** The number a text spells, or NaN. */
export function toNumber(text: string): number {
  if (text === "") return NaN;
  const trimmed = text.trim();
  if (!isNumeric(trimmed)) return NaN;
  return trimmed.length <= 9 && isDigits(trimmed) ? digitsValue(trimmed) : Number(trimmed);
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  return true;
}

/** The value of a short run of decimal digits (exact: at most 9 digits). */
function digitsValue(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - DIGIT_0);
  return value;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** True when `text` matches `^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$` (hand-written: it runs once per value). */
function isNumeric(text: string): boolean {
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  let digits = 0;
  while (c >= DIGIT_0 && c <= DIGIT_9) {
    digits++;
    c = text.charCodeAt(++i);
  }
  if (c === 46) {
    c = text.charCodeAt(++i);
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      digits++;
      c = text.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    let exponent = 0;
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      exponent++;
      c = text.charCodeAt(++i);
    }
    if (exponent === 0) return false;
  }
  return i === text.length;
}

/**
 * Flattens a document into tidy rows, one per leaf element and per attribute (namespace
 * bookkeeping left out), in document order. Repeated siblings are numbered (`share[2]`).
 */
export function toDocumentFields(document: XmlDocument): DocumentField[] {
  checkArgument(document, xmlDocument, "document", "toDocumentFields()");
  const rows: DocumentField[] = [];
  if (placeCount > MAX_PLACES) {
    rootPlace = new FieldPlace("", "", "");
    placeCount = 0;
  }
  visitFields(document.root, rootPlace, rows);
  return rows;
}

const join = (head: string, tail: string): string => (head === "" ? tail : `${head}/${tail}`);

/**
 * The group, path and field name of one position in a document (an element reached by the
 * same names and sibling numbers from the root). Shared across documents, so documents of the
 * same kind yield rows whose strings are the same objects instead of fresh copies per row.
 */
class FieldPlace {
  readonly #children = new Map<string, FieldPlace[]>();
  readonly #attributes = new Map<string, { field: string; path: string }>();

  constructor(
    /** Local names from the root, numbered (`sharing/share[2]`). */
    readonly group: string,
    /** Qualified names from the root, numbered (`xnat:sharing/xnat:share[2]`). */
    readonly path: string,
    /** The local name, numbered (`share[2]`). */
    readonly field: string,
  ) {}

  /** The place of child `element`; `number` is its position among equally named siblings, 0 when it has none. */
  child(element: XmlElement, number: number): FieldPlace {
    let numbered = this.#children.get(element.name);
    if (numbered === undefined) {
      numbered = [];
      this.#children.set(element.name, numbered);
    }
    let place = numbered[number];
    if (place === undefined) {
      const suffix = number === 0 ? "" : `[${number}]`;
      const field = `${element.local}${suffix}`;
      place = new FieldPlace(join(this.group, field), join(this.path, `${element.name}${suffix}`), field);
      numbered[number] = place;
      placeCount++;
    }
    return place;
  }

  /** The field (`@name`) and path of attribute `name` of the element at this place. */
  attribute(name: string): { field: string; path: string } {
    let attribute = this.#attributes.get(name);
    if (attribute === undefined) {
      const field = `@${name}`;
      attribute = { field, path: join(this.path, field) };
      this.#attributes.set(name, attribute);
      placeCount++;
    }
    return attribute;
  }
}

/** Places kept before the cache starts over (bounds memory for streams of unrelated documents). */
const MAX_PLACES = 100_000;
let rootPlace = new FieldPlace("", "", "");
let placeCount = 0;

function pushAttributes(element: XmlElement, group: string, place: FieldPlace, rows: DocumentField[]): void {
  const attributes = element.attributes;
  for (const name in attributes) {
    if (isNamespaceAttribute(name)) continue;
    const text = attributes[name];
    const { field, path } = place.attribute(name);
    rows.push({ group, field, value: toNumber(text), text, path });
  }
}

function hasChildElement(element: XmlElement): boolean {
  for (const child of element.children) if (child.kind === "element") return true;
  return false;
}

function hasAttributes(element: XmlElement): boolean {
  for (const _ in element.attributes) return true;
  return false;
}

/** True when two child elements of `element` have the same name. */
function hasRepeatedNames(element: XmlElement): boolean {
  const children = element.children;
  for (let i = 1; i < children.length; i++) {
    const child = children[i];
    if (child.kind !== "element") continue;
    const name = child.name;
    for (let j = 0; j < i; j++) {
      const earlier = children[j];
      if (earlier.kind === "element" && earlier.name === name) return true;
    }
  }
  return false;
}

function visitFields(element: XmlElement, place: FieldPlace, rows: DocumentField[]): void {
  pushAttributes(element, place.group, place, rows);
  let counts: Map<string, number> | undefined;
  let seen: Map<string, number> | undefined;
  if (hasRepeatedNames(element)) {
    counts = new Map();
    seen = new Map();
    for (const child of element.children) if (child.kind === "element") counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
  }
  for (const child of element.children) {
    if (child.kind !== "element") continue;
    let number = 0;
    if (counts !== undefined && seen !== undefined) {
      const index = (seen.get(child.name) ?? 0) + 1;
      seen.set(child.name, index);
      if ((counts.get(child.name) ?? 0) > 1) number = index;
    }
    const childPlace = place.child(child, number);
    if (!hasChildElement(child)) {
      pushAttributes(child, childPlace.group, childPlace, rows);
      const text = textOf(child);
      if (text !== "" || !hasAttributes(child)) {
        rows.push({ group: place.group, field: childPlace.field, value: toNumber(text), text, path: childPlace.path });
      }
    } else {
      visitFields(child, childPlace, rows);
    }
  }
}

const TIDY_COLUMNS = ["group", "field", "value", "text", "path"] as const;
const TIDY_TYPES: ColumnTypes = { group: "string", field: "string", value: "number", text: "string", path: "string" };

/** The tidy table of a document as a DataFrame: group, field, value (number), text, path. */
export function toDocumentFrame(document: XmlDocument): DataFrame {
  return fromRecords(toDocumentFields(document) as unknown as Record<string, unknown>[], TIDY_COLUMNS, TIDY_TYPES);
}

/** The column name of a field in the wide form: `ER40/ER40_CR`, `subject_ID`, `@ID`. */
export const wideColumnOf = (field: Pick<DocumentField, "group" | "field">): string => (field.group ? `${field.group}/${field.field}` : field.field);

/** Rows of the wide form: one per document, keyed by {@link wideColumnOf}, plus the column types. */
export interface WideTable {
  columns: string[];
  types: ColumnTypes;
  rows: Record<string, string>[];
}

/**
 * Pivots the fields of several documents into one row per document. A column is a number
 * when every non-empty value in it is numeric, otherwise text; a field a document lacks is
 * missing (NaN or ""). `leading` columns (e.g. the experiment ID) come first.
 */
export function toWideTable(documents: readonly { leading: Record<string, string>; fields: readonly DocumentField[] }[]): WideTable {
  checkArgument(documents, documentList, "documents", "toWideTable()");
  const leadingColumns = new Set<string>();
  for (const doc of documents) for (const column of Object.keys(doc.leading)) leadingColumns.add(column);
  const builder = new WideTableBuilder([...leadingColumns]);
  for (const doc of documents) builder.add(doc.leading, doc.fields);
  return builder.table();
}

/**
 * Builds the wide form ({@link toWideTable}) one document at a time, so that a large set of
 * documents never has to be held in memory at once: parse a document, add its fields, drop it.
 * The table is the same as {@link toWideTable} makes from the same documents in the same order.
 */
export class WideTableBuilder {
  readonly #columns: string[] = [];
  readonly #indexOf = new Map<string, number>();
  readonly #leadingCount: number;
  readonly #byGroup = new Map<string, Map<string, number>>();
  /** Per column: its values seen so far are all blank, all numeric, or not; and whether a row set it twice. */
  readonly #kinds: ColumnKind[];
  readonly #setInRow: number[];
  readonly #setTwice: boolean[];
  readonly #cellText: string[] = [];
  readonly #order: number[] = [];
  readonly #shapes: RowShapes;
  readonly #rows: Record<string, string>[] = [];

  /** `leadingColumns` are the keys `leading` may have in {@link WideTableBuilder.add}; they come first, in this order. */
  constructor(leadingColumns: readonly string[] = []) {
    for (const column of leadingColumns) {
      if (this.#indexOf.has(column)) continue;
      this.#indexOf.set(column, this.#columns.length);
      this.#columns.push(column);
    }
    this.#leadingCount = this.#columns.length;
    this.#kinds = new Array<ColumnKind>(this.#leadingCount).fill(ColumnKind.Text);
    this.#setInRow = new Array<number>(this.#leadingCount).fill(-1);
    this.#setTwice = new Array<boolean>(this.#leadingCount).fill(false);
    this.#shapes = new RowShapes(this.#columns);
  }

  /** Adds one document's row: its `leading` values (declared leading columns only) and its fields. */
  add(leading: Record<string, string>, fields: Iterable<DocumentField>): void {
    checkArgument(leading, record, "leading columns", "WideTableBuilder.add()");
    checkArgument(fields, iterable, "fields", "WideTableBuilder.add()");
    for (const column of Object.keys(leading)) {
      const index = this.#indexOf.get(column);
      if (index === undefined || index >= this.#leadingCount) {
        throw new InvalidArgumentError(`leading column ${JSON.stringify(column)} was not given when the WideTableBuilder was created`, `pass every leading column to new WideTableBuilder([...])`);
      }
    }
    const rowNumber = this.#rows.length;
    const columns = this.#columns;
    const kinds = this.#kinds;
    const setInRow = this.#setInRow;
    const cellText = this.#cellText;
    const order = this.#order;
    order.length = 0;
    for (const field of fields) {
      let fieldsOfGroup = this.#byGroup.get(field.group);
      if (fieldsOfGroup === undefined) {
        fieldsOfGroup = new Map();
        this.#byGroup.set(field.group, fieldsOfGroup);
      }
      let index = fieldsOfGroup.get(field.field);
      if (index === undefined) {
        const column = wideColumnOf(field);
        index = this.#indexOf.get(column);
        if (index === undefined) {
          index = columns.length;
          this.#indexOf.set(column, index);
          columns.push(column);
          kinds.push(IDENTIFIER.test(column) ? ColumnKind.Text : ColumnKind.Blank);
          setInRow.push(-1);
          this.#setTwice.push(false);
        }
        fieldsOfGroup.set(field.field, index);
      }
      if (index < this.#leadingCount) continue;
      if (setInRow[index] === rowNumber) this.#setTwice[index] = true;
      else {
        setInRow[index] = rowNumber;
        order.push(index);
      }
      const text = field.text;
      cellText[index] = text;
      if (kinds[index] !== ColumnKind.Text) {
        const cell = cellKind(text);
        if (cell !== ColumnKind.Blank) kinds[index] = cell;
      }
    }
    this.#rows.push(this.#shapes.row(leading, order, cellText));
  }

  /** The table of the documents added so far (columns, types and rows; later additions do not change it). */
  table(): WideTable {
    const columns = [...this.#columns];
    const rows = [...this.#rows];
    const types: ColumnTypes = {};
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index];
      if (index < this.#leadingCount || IDENTIFIER.test(column)) types[column] = "string";
      else if (this.#setTwice[index]) types[column] = isNumericColumn(rows, column) ? "number" : "string";
      else types[column] = this.#kinds[index] === ColumnKind.Number ? "number" : "string";
    }
    return { columns, types, rows };
  }
}

/**
 * Builds wide rows: the leading values, then each field column in the order the document first
 * set it. Rows with the same columns are cloned from one template object, which keeps them in
 * V8's fast (not dictionary) mode; the result is the same as adding the properties one by one.
 */
class RowShapes {
  readonly #columns: readonly string[];
  #leadingKeys: string[] = [];
  #order: number[] = [];
  #template: Record<string, string> | undefined;
  readonly #templates = new Map<string, Record<string, string> | undefined>();

  constructor(columns: readonly string[]) {
    this.#columns = columns;
  }

  /** The row of one document; `order` lists its field columns, `cellText` holds their values by column index. */
  row(leading: Record<string, string>, order: readonly number[], cellText: readonly string[]): Record<string, string> {
    const columns = this.#columns;
    const leadingKeys = Object.keys(leading);
    const template = Object.getOwnPropertySymbols(leading).length === 0 ? this.#templateFor(leadingKeys, order) : undefined;
    if (template === undefined) {
      const row: Record<string, string> = { ...leading };
      for (const index of order) row[columns[index]] = cellText[index];
      return row;
    }
    const row: Record<string, string> = { ...template };
    for (const key of leadingKeys) row[key] = leading[key];
    for (const index of order) row[columns[index]] = cellText[index];
    return row;
  }

  /** A template with exactly these keys, or undefined when a key (`__proto__`) cannot be cloned faithfully. */
  #templateFor(leadingKeys: readonly string[], order: readonly number[]): Record<string, string> | undefined {
    if (this.#template !== undefined && sameItems(leadingKeys, this.#leadingKeys) && sameItems(order, this.#order)) return this.#template;
    const keys = [...leadingKeys, ...order.map((index) => this.#columns[index])];
    const signature = keys.join("\u0000");
    let template = this.#templates.get(signature);
    if (template === undefined && !this.#templates.has(signature)) {
      template = keys.includes("__proto__") ? undefined : Object.fromEntries(keys.map((key) => [key, ""]));
      this.#templates.set(signature, template);
    }
    this.#template = template;
    this.#leadingKeys = [...leadingKeys];
    this.#order = [...order];
    return template;
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the values of a column seen so far are: all blank, numeric where not blank, or not all numeric. */
const enum ColumnKind {
  Blank,
  Number,
  Text,
}

function cellKind(text: string | undefined): ColumnKind {
  if (text === undefined || text === "") return ColumnKind.Blank;
  const trimmed = text.trim();
  if (trimmed === "") return ColumnKind.Blank;
  return isNumeric(trimmed) ? ColumnKind.Number : ColumnKind.Text;
}

function isNumericColumn(rows: readonly Record<string, string>[], column: string): boolean {
  let any = false;
  for (const row of rows) {
    const kind = cellKind(Object.prototype.hasOwnProperty.call(row, column) ? row[column] : undefined);
    if (kind === ColumnKind.Text) return false;
    if (kind === ColumnKind.Number) any = true;
  }
  return any;
}

/** Columns that hold identifiers stay text even when they look numeric (subject labels such as 100307). */
const IDENTIFIER = /(^|[_@/])(id|label|project)$/i;

/** The wide table as a DataFrame. */
export function toWideFrame(table: WideTable): DataFrame {
  checkArgument(table, wideTable, "table", "toWideFrame()");
  return fromRecords(table.rows, table.columns, table.types);
}
