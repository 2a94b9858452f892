import { checkArgument, checkOptions, callback, either, integer, oneOf, text, textList, type Rule } from "../core/validate.js";
import { checkHttpOptions } from "../http/options.js";

const membersRule: Rule = either(oneOf("all"), textList);

/** The rules for `QueryOptions` (`rows`, `query`, `queryFrame`). */
export const QUERY_OPTION_RULES = {
  numRows: integer(1, 1_000_000),
  paging: oneOf("auto", "snake", "camel", "rma-options"),
  /** MAX_PAGE_CONCURRENCY of query.ts. */
  concurrency: integer(1, 32),
  onRequest: callback,
  onPage: callback,
  onWarning: callback,
  fetch: callback,
} as const;

/** The rules for archive downloads (`downloadAndExtract`, `downloadGridFile`, `downloadAtlasVolume`). */
export const ARCHIVE_OPTION_RULES = {
  onProgress: callback,
  onRequest: callback,
  fetch: callback,
  api: text(true),
  members: membersRule,
  include: textList,
  referenceSpaceId: integer(1),
  pattern: text(true),
} as const;

/** Checks an RMA query call at its entry: the URL is a string, every option within its range. */
export function checkQuery(url: unknown, options: object | undefined, where: string): void {
  checkArgument(url, text(true), "query URL", where);
  const checked = checkOptions(options, where, QUERY_OPTION_RULES) as { http?: object };
  checkHttpOptions(checked.http, `${where} (option \`http\`)`);
}

/** Checks an archive download call at its entry: the target folder is a string, every option within its range. */
export function checkArchive(outDir: unknown, options: object | undefined, where: string): void {
  checkArgument(outDir, text(true), "target folder", where);
  const checked = checkOptions(options, where, ARCHIVE_OPTION_RULES) as { http?: object };
  checkHttpOptions(checked.http, `${where} (option \`http\`)`);
}
