import * as allen from "../allen/index.js";
import { DEFAULT_API, DEFAULT_DATA_SET_ID, DEFAULT_PAGE_ROWS } from "../allen/constants.js";
import { apiBase } from "../allen/rma.js";
import { InvalidArgumentError } from "../errors.js";
import type { CliIO, Command } from "./command.js";
import { parseFlags } from "./command.js";

const downloadUsage = "neuroportal allen download [--dataSetId|-d ID (default 69855739)] [--outputDirectory|-o DIR (default .)] [--api URL (default https://api.brain-map.org/)]";
const queryUsage = "neuroportal allen query URL [--format json|csv (default json)] [--numRows N (default 2000)] [--paging auto|snake|camel|rma-options]";
const usage = `${downloadUsage}\n       ${queryUsage}`;

/**
 * `neuroportal allen`: the seed script's command line (`download`: the atlas volume, then the
 * grid file of a data set) and `query` (every row of an RMA query as JSON lines or CSV).
 */
export const allenCommand: Command = {
  name: "allen",
  summary: "download an expression grid and the atlas volume (as the Allen example script), or run an RMA query",
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === "download") return download(rest, io);
    if (sub === "query") return runQuery(rest, io);
    throw new InvalidArgumentError(sub ? `unknown allen subcommand ${JSON.stringify(sub)}` : "missing the allen subcommand", `usage: ${usage}`);
  },
};

async function download(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      dataSetId: { type: "string", short: "d", default: String(DEFAULT_DATA_SET_ID) },
      outputDirectory: { type: "string", short: "o", default: "." },
      api: { type: "string", default: DEFAULT_API },
    },
    downloadUsage,
  );
  const dataSetId = Number(values.dataSetId);
  if (!/^\d+$/.test(values.dataSetId) || !Number.isSafeInteger(dataSetId) || dataSetId <= 0) {
    throw new InvalidArgumentError(`--dataSetId takes a positive whole number, not ${JSON.stringify(values.dataSetId)}`, `usage: ${downloadUsage}`);
  }
  const api = apiBase(values.api);
  const outDir = values.outputDirectory;
  const atlasProgress = progressLine(io, "atlasVolume.zip");
  const atlas = await allen.downloadAtlasVolume(outDir, { api, onProgress: atlasProgress.update });
  atlasProgress.finish();
  const gridProgress = progressLine(io, `grid_data ${dataSetId}`);
  const grid = await allen.downloadGridFile(dataSetId, outDir, { api, onProgress: gridProgress.update });
  gridProgress.finish();
  for (const file of [...atlas, ...grid]) io.stdout.write(`${file}\n`);
  return 0;
}

async function runQuery(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      format: { type: "string", default: "json" },
      numRows: { type: "string", default: String(DEFAULT_PAGE_ROWS) },
      paging: { type: "string", default: "auto" },
    },
    queryUsage,
    true,
  );
  if (positionals.length !== 1) throw new InvalidArgumentError("allen query takes exactly one URL", `usage: ${queryUsage}`);
  const numRows = Number(values.numRows);
  if (!Number.isInteger(numRows) || numRows <= 0) throw new InvalidArgumentError(`--numRows takes a positive whole number, not ${JSON.stringify(values.numRows)}`);
  if (values.format !== "json" && values.format !== "csv") throw new InvalidArgumentError(`--format is json or csv, not ${JSON.stringify(values.format)}`);
  const paging = values.paging as allen.PagingStyle;
  if (!["auto", "snake", "camel", "rma-options"].includes(paging)) throw new InvalidArgumentError(`--paging is auto, snake, camel or rma-options, not ${JSON.stringify(values.paging)}`);
  const rows = await allen.query(positionals[0], { numRows, paging });
  if (values.format === "json") {
    for (const row of rows) io.stdout.write(`${JSON.stringify(row)}\n`);
  } else {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    io.stdout.write(`${columns.map(csvCell).join(",")}\n`);
    for (const row of rows) io.stdout.write(`${columns.map((c) => csvCell(row[c])).join(",")}\n`);
  }
  io.stderr.write(`${rows.length} rows\n`);
  return 0;
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One progress line on stderr, drawn only when stderr is a terminal. */
function progressLine(io: CliIO, label: string): { update: (p: allen.ArchiveProgress) => void; finish: () => void } {
  let last = 0;
  let drawn = false;
  return {
    update({ bytes, totalBytes }) {
      if (!io.isTTY) return;
      const now = Date.now();
      if (now - last < 100 && bytes !== totalBytes) return;
      last = now;
      const size = totalBytes ? `${megabytes(bytes)} / ${megabytes(totalBytes)} MB (${Math.floor((bytes / totalBytes) * 100)}%)` : `${megabytes(bytes)} MB`;
      io.stderr.write(`\r${label}: ${size}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr.write("\n");
    },
  };
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(2);
