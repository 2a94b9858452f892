import { readDemoState } from "../config/demo-state.js";
import type { DemoInfo } from "../config/demo-info.js";
import { REAL_SERVICES } from "../config/services.js";
import { InvalidArgumentError } from "../errors.js";
import { redact } from "../core/redact.js";
import * as xnat from "../xnat/index.js";
import type { CliIO, Command } from "./command.js";
import { parseFlags, parseWholeNumber } from "./command.js";
import { progressBar } from "./progress-bar.js";

const server = "[--url URL]";
const lsUsage = `neuroportal xnat ls [PROJECT[/SUBJECT[/EXPERIMENT]]] [--json] ${server}`;
const getUsage = `neuroportal xnat get PROJECT/SUBJECT/EXPERIMENT DIR [--resource NAME]... [--scan ID]... [--include GLOB]... [--zip auto|always|never] [--concurrency N (default 8)] [--fail-if-busy] ${server}`;
const usage = `${lsUsage}\n       ${getUsage}`;

/**
 * `neuroportal xnat`: list the hierarchy and files (`ls`), or download a session's files verified
 * against their digests (`get`). The server is `--url`, else `NEUROPORTAL_XNAT_URL`, else a
 * running `neuroportal demo`, else ConnectomeDB; credentials come as `connect` takes them (the
 * `NEUROPORTAL_XNAT_USER` / `_PASSWORD` variables or `~/.netrc`; the running demo's own), never
 * from the command line.
 */
export const xnatCommand: Command = {
  name: "xnat",
  summary: "list an XNAT project, subject or session with its files (ls), or download a session's files verified (get)",
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === "ls") return list(rest, io);
    if (sub === "get") return get(rest, io);
    throw new InvalidArgumentError(sub ? `unknown xnat subcommand ${JSON.stringify(sub)}` : "missing the xnat subcommand", `usage: ${usage}`);
  },
};

/** `PROJECT[/SUBJECT[/EXPERIMENT]]` split into its parts. */
export function parseXnatPath(text: string, usageLine: string): string[] {
  const parts = text.split("/");
  if (parts.length > 3 || parts.some((part) => part === "" || part === "." || part === "..")) {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not PROJECT[/SUBJECT[/EXPERIMENT]]`, `usage: ${usageLine}`);
  }
  return parts;
}

/** The server address and the credentials to hand to `connect` (only a running demo's; otherwise `connect` finds them). Pure. */
export function serverFrom(url: string | undefined, env: NodeJS.ProcessEnv, demo: DemoInfo | undefined): { url: string; user?: string; password?: string } {
  const chosen = url ?? env.NEUROPORTAL_XNAT_URL ?? demo?.xnat?.url ?? REAL_SERVICES.xnat;
  const isDemo = demo?.xnat && chosen.replace(/\/+$/, "") === demo.xnat.url.replace(/\/+$/, "");
  return isDemo ? { url: chosen, user: demo!.xnat!.user, password: demo!.xnat!.password } : { url: chosen };
}

async function open(url: string | undefined): Promise<xnat.XnatConnection> {
  const target = serverFrom(url, process.env, readDemoState());
  return xnat.connect(target.url, { user: target.user, password: target.password });
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: "boolean" }, url: { type: "string" } }, lsUsage, true);
  if (positionals.length > 1) throw new InvalidArgumentError("xnat ls takes at most one PROJECT[/SUBJECT[/EXPERIMENT]]", `usage: ${lsUsage}`);
  const parts = positionals.length ? parseXnatPath(positionals[0], lsUsage) : [];
  const cdb = await open(values.url);
  try {
    const tables = await listing(cdb, parts);
    if (values.json) io.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(tables).map(([name, table]) => [name, table.rows])))}\n`);
    else for (const [name, table] of Object.entries(tables)) io.stdout.write(`${name} (${table.rows.length})\n${formatTable(table)}\n`);
  } finally {
    await cdb.close();
  }
  return 0;
}

interface Table {
  columns: string[];
  rows: Record<string, string | number>[];
}

/** What `ls` shows at each level: projects; a project's subjects and files; a subject's sessions and files; a session's scans and files. */
async function listing(cdb: xnat.XnatConnection, [project, subject, experiment]: string[]): Promise<Record<string, Table>> {
  const frameTable = (frame: { columns: string[]; values: unknown[] }, columns: string[]): Table => ({
    columns,
    rows: (frame.values as unknown[][]).map((row) => Object.fromEntries(columns.map((column) => [column, row[frame.columns.indexOf(column)] as string | number]))),
  });
  const fileTable = (files: xnat.XnatFile[], withScan: boolean): Table => ({
    columns: [...(withScan ? ["scan"] : []), "resource", "path", "size", "format", "content", "digest"],
    rows: files.map((f) => ({ ...(withScan ? { scan: f.scan } : {}), resource: f.resource, path: f.path, size: f.size, format: f.format, content: f.content, digest: f.digest ?? "" })),
  });
  if (project === undefined) return { projects: frameTable(await cdb.projects(), ["ID", "name"]) };
  const p = cdb.project(project);
  if (subject === undefined) return { subjects: frameTable(await p.subjects(), ["label", "ID"]), files: fileTable(await p.fileList(), false) };
  const s = p.subject(subject);
  if (experiment === undefined) return { experiments: frameTable(await s.experiments(), ["label", "ID", "xsiType", "date"]), files: fileTable(await s.fileList(), false) };
  const e = s.experiment(experiment);
  const [scans, files] = await Promise.all([e.scans(), e.fileList()]);
  return { scans: frameTable(scans, ["ID", "type", "quality", "series_description"]), files: fileTable(files, true) };
}

function formatTable(table: Table): string {
  const widths = table.columns.map((column) => Math.max(column.length, ...table.rows.map((row) => String(row[column] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(table.columns), ...table.rows.map((row) => line(table.columns.map((column) => String(row[column] ?? ""))))].join("\n");
}

async function get(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      resource: { type: "string", multiple: true },
      scan: { type: "string", multiple: true },
      include: { type: "string", multiple: true },
      zip: { type: "string", default: "auto" },
      concurrency: { type: "string", default: "8" },
      "fail-if-busy": { type: "boolean" },
      url: { type: "string" },
    },
    getUsage,
    true,
  );
  if (positionals.length !== 2) throw new InvalidArgumentError("xnat get takes PROJECT/SUBJECT/EXPERIMENT and a target folder", `usage: ${getUsage}`);
  const parts = parseXnatPath(positionals[0], getUsage);
  if (parts.length !== 3) throw new InvalidArgumentError(`${JSON.stringify(positionals[0])} names no session: give PROJECT/SUBJECT/EXPERIMENT`, `usage: ${getUsage}`);
  const concurrency = parseWholeNumber(values.concurrency, "--concurrency", 1, 256);
  if (!["auto", "always", "never"].includes(values.zip)) throw new InvalidArgumentError(`--zip takes auto, always or never, not ${JSON.stringify(values.zip)}`);
  const cdb = await open(values.url);
  const bar = progressBar(io, parts.join("/"));
  let summary: xnat.XnatDownloadSummary;
  try {
    summary = await cdb.project(parts[0]).subject(parts[1]).experiment(parts[2]).download(positionals[1], {
      resources: values.resource,
      scans: values.scan,
      include: values.include,
      zip: values.zip as xnat.ZipChoice,
      concurrency,
      onBusy: values["fail-if-busy"] ? "fail" : "wait",
      onProgress: bar.update,
    });
  } finally {
    bar.finish();
    await cdb.close().catch(() => undefined);
  }
  const zipped = summary.zips.filter((zip) => zip.used).length;
  io.stdout.write(
    `${summary.downloaded} downloaded, ${summary.resumed} resumed, ${summary.skipped} skipped (already verified), ${summary.failed} failed; ${summary.bytes} bytes received${zipped ? `; ${zipped} resource(s) as one zip` : ""}\n`,
  );
  for (const zip of summary.zips) if (!zip.used && zip.reason) io.stderr.write(`neuroportal xnat get: the zip of ${zip.scan ? `scan ${zip.scan} ` : ""}${zip.resource} was not used (${redact(zip.reason)}); its files came one by one\n`);
  for (const failure of summary.failures) io.stderr.write(`neuroportal xnat get: ${failure.key}: ${redact(failure.error.message)}\n`);
  if (summary.files.length === 0) {
    io.stderr.write(`neuroportal xnat get: no file of ${parts.join("/")} matches — list them with \`neuroportal xnat ls ${parts.join("/")}\`\n`);
    return 1;
  }
  if (!summary.ok) io.stderr.write("neuroportal xnat get: some files failed; run the same command again to resume them\n");
  return summary.ok ? 0 : 1;
}
