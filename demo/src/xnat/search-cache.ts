/** Server-side cached search results (`POST /data/search?cache=true`, then `GET /data/search/{ID}` pages). */
import { randomBytes } from "node:crypto";
import type { Table } from "./table.js";

interface Entry {
  table: Table;
  user: string;
  lastAccess: number;
}

export type CacheLookup = { kind: "found"; table: Table } | { kind: "unknown" } | { kind: "expired" };

/** Cached result tables per id; an entry unused for `ttlMs` is gone (410). */
export class SearchCache {
  private readonly entries = new Map<string, Entry>();
  private readonly expired = new Set<string>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Stores `table` for `user`; returns the opaque id (a materialised-view name in XNAT). */
  put(table: Table, user: string): string {
    const id = `xs${this.now()}_${randomBytes(4).toString("hex")}`;
    this.entries.set(id, { table, user, lastAccess: this.now() });
    return id;
  }

  get(id: string, user: string): CacheLookup {
    const entry = this.entries.get(id);
    if (!entry) return this.expired.has(id) ? { kind: "expired" } : { kind: "unknown" };
    if (this.now() - entry.lastAccess > this.ttlMs) {
      this.entries.delete(id);
      this.expired.add(id);
      return { kind: "expired" };
    }
    if (entry.user !== user) return { kind: "unknown" };
    entry.lastAccess = this.now();
    return { kind: "found", table: entry.table };
  }
}

/** Parses a paging parameter: undefined when absent, null when not a non-negative integer. */
export function pagingNumber(text: string | null): number | undefined | null {
  if (text === null || text === "") return undefined;
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** A page of `table` with the full `totalRecords` (and the cache `ID`) in its metadata. */
export function pageOf(table: Table, offset: number, limit: number | undefined, id: string): Table {
  const rows = table.rows.slice(offset, limit === undefined ? undefined : offset + limit);
  return { ...table, rows, meta: { ...table.meta, totalRecords: table.rows.length, ID: id } };
}
