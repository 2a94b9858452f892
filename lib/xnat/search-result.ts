import { inspect } from "node:util";
import type { DataFrame } from "danfojs-node";
import { fromRecords } from "../frame/from-rows.js";
import type { ColumnType, ColumnTypes } from "../frame/types.js";

/** A result column: the server's key, the field it came from and its type. */
export interface ResultColumn {
  /** Column key as the server names it, e.g. `neo_neofac_a`. */
  key: string;
  /** The requested field, `type/FIELD`, or "" for a column added on the client (e.g. `subject_label`). */
  field: string;
  /** Type given to the column in {@link SearchResult.frame}. */
  type: ColumnType;
}

/**
 * The rows of a search. Keeps pyxnat's JsonTable surface (`headers()`, `items()`, `length`)
 * and adds a typed DataFrame (`frame`): numbers from the field types the server reports,
 * "" as NaN, IDs as strings.
 */
export class SearchResult {
  readonly rootElement: string;
  readonly columns: readonly ResultColumn[];
  /**
   * Fields the search used (columns or criteria, `type/FIELD`) that `cdb.fields()` does not
   * list: XNAT lists only fields marked searchable (not PROJECTS or LABEL of experiments, nor
   * SUBJECT_ID of subjects), yet accepted these.
   */
  readonly unlistedFields: readonly string[];
  readonly #rows: readonly Record<string, string>[];
  #frame?: DataFrame;

  constructor(rootElement: string, columns: readonly ResultColumn[], rows: readonly Record<string, string>[], unlistedFields: readonly string[] = []) {
    this.rootElement = rootElement;
    this.columns = columns;
    this.#rows = rows;
    this.unlistedFields = unlistedFields;
  }

  /** Column keys in server order, like pyxnat's `headers()`. */
  headers(): string[] {
    return this.columns.map((c) => c.key);
  }

  /** Rows as arrays of strings in {@link headers} order, like pyxnat's `items()`. */
  items(): string[][] {
    return this.#rows.map((row) => this.columns.map((c) => row[c.key] ?? ""));
  }

  /** Number of rows (pyxnat: `len(table)`). */
  get length(): number {
    return this.#rows.length;
  }

  /** Rows as records of strings. */
  records(): Record<string, string>[] {
    return this.#rows.map((row) => Object.fromEntries(this.columns.map((c) => [c.key, row[c.key] ?? ""])));
  }

  /** One column's values as strings. */
  column(key: string): string[] {
    return this.#rows.map((row) => row[key] ?? "");
  }

  /** Column key → type, as used by {@link frame}. */
  types(): ColumnTypes {
    return Object.fromEntries(this.columns.map((c) => [c.key, c.type]));
  }

  /** The rows as a typed DataFrame (built once, on first use). */
  get frame(): DataFrame {
    this.#frame ??= fromRecords(this.#rows, this.headers(), this.types());
    return this.#frame;
  }

  /** A new result with one more column, inserted after `after` (at the end when absent). */
  withColumn(column: ResultColumn, values: readonly string[], after?: string): SearchResult {
    const columns = [...this.columns.filter((c) => c.key !== column.key)];
    const at = after === undefined ? -1 : columns.findIndex((c) => c.key === after);
    columns.splice(at < 0 ? columns.length : at + 1, 0, column);
    const rows = this.#rows.map((row, i) => ({ ...row, [column.key]: values[i] ?? "" }));
    return new SearchResult(this.rootElement, columns, rows, this.unlistedFields);
  }

  /** A new result without the named columns. */
  withoutColumns(keys: readonly string[]): SearchResult {
    return new SearchResult(this.rootElement, this.columns.filter((c) => !keys.includes(c.key)), this.#rows, this.unlistedFields);
  }

  /** A new result holding the rows for which `keep` is true. */
  filter(keep: (row: Record<string, string>, index: number) => boolean): SearchResult {
    return new SearchResult(this.rootElement, this.columns, this.#rows.filter(keep), this.unlistedFields);
  }

  /** `<SearchResult 76:6> subject_id,neo_neofac_a ... neo_neofac_n,neo_neofac_o`, as pyxnat prints a JsonTable. */
  toString(): string {
    const headers = this.headers();
    const shown = headers.length > 5 ? `${headers.slice(0, 2).join(",")} ... ${headers.slice(-2).join(",")}` : headers.join(",");
    return `<SearchResult ${this.length}:${headers.length}> ${shown}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
