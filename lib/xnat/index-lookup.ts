import { NotFoundError } from "./errors.js";
import { fromListingJson, type Listing } from "./listing.js";
import type { Query } from "./paths.js";
import type { XnatSession } from "./session.js";

/** IDs and labels of the rows of one listing, for resolving either to the other. */
export interface IdLabelIndex {
  byId: Map<string, Record<string, string>>;
  byLabel: Map<string, Record<string, string>>;
  listing: Listing;
}

/** Indexes listing rows by `ID` and by `label`. */
export function toIdLabelIndex(listing: Listing): IdLabelIndex {
  const byId = new Map<string, Record<string, string>>();
  const byLabel = new Map<string, Record<string, string>>();
  for (const row of listing.rows) {
    if (row.ID) byId.set(row.ID, row);
    if (row.label && !byLabel.has(row.label)) byLabel.set(row.label, row);
  }
  return { byId, byLabel, listing };
}

/** Fetches a listing once per session (cached) and indexes it by ID and label. */
export function loadIndex(session: XnatSession, path: string, query: Query, what: string): Promise<IdLabelIndex> {
  return session.memo(`index:${path}?${new URLSearchParams(query as Record<string, string>)}`, async () => {
    const text = await session.send({ path, query: { format: "json", ...query }, expect: "json", what });
    return toIdLabelIndex(fromListingJson(text, path, ["ID", "label"]));
  });
}

/** The row whose ID (tried first, as XNAT does) or label equals `ref`; NotFoundError otherwise. */
export function findRow(index: IdLabelIndex, ref: string, what: string, url: string): Record<string, string> {
  const row = index.byId.get(ref) ?? index.byLabel.get(ref);
  if (!row) throw new NotFoundError(what, url);
  return row;
}
