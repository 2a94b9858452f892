import * as fs from "node:fs";
import * as path from "node:path";
import { PLOTLY_MIME_TYPE } from "../../lib/display/plot.js";

/**
 * Checks that the tutorial notebooks read like good gallery notebooks (a header with objectives,
 * prerequisites and time; previous/next links; exercises with collapsed solutions; a section on
 * the real service; no internal jargon) and that their executed charts and summary tables are
 * labelled (axis titles with units, colour-bar titles, instrument ranges, units in headers).
 * Each check returns the problems it found, so a test can show them all at once.
 */

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown>; text?: string | string[] }[];
}

export interface NotebookJson {
  cells: NotebookCell[];
  metadata: { title?: string; [key: string]: unknown };
}

export const readNotebook = (file: string): NotebookJson => JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson;
const sourceOf = (cell: NotebookCell): string => (Array.isArray(cell.source) ? cell.source.join("") : cell.source);
const textOf = (value: unknown): string => (Array.isArray(value) ? value.join("") : String(value ?? ""));

/** Words that belong to the project's own workflow, not to a reader's vocabulary. */
export const JARGON: readonly RegExp[] = [/\bseed(s|ed)?\b/i, /demo facts/i, /tutorial-facts/i, /\bissue #?\d+/i, /\bPLAN\.md\b/, /\bthe brief\b/i, /\bhelper "?\w+"? (session|branch)\b/i];

/** The notebook's title: its first cell's level-1 heading, markdown emphasis removed. */
export function headingTitle(nb: NotebookJson): string | undefined {
  const first = nb.cells[0];
  if (first?.cell_type !== "markdown") return undefined;
  const match = /^#\s+(.+?)\s*$/m.exec(sourceOf(first));
  return match ? match[1].replace(/[`*_]/g, "").trim() : undefined;
}

interface Link {
  text: string;
  target: string;
}

function navLinks(markdown: string, which: "Previous" | "Next"): Link[] {
  const line = markdown.split("\n").find((l) => l.includes(`**${which}:**`));
  if (!line) return [];
  const after = line.slice(line.indexOf(`**${which}:**`) + which.length + 5);
  const upTo = which === "Previous" ? after.split("**Next:**")[0] : after;
  return [...upTo.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)].map((m) => ({ text: m[1], target: m[2] }));
}

/**
 * Problems with one notebook's teaching structure, given every tutorial in reading order:
 * header (title = metadata.title, objectives, prerequisites, time), previous/next links in the
 * first and last cells that name and point at the neighbouring notebooks, at least two
 * exercises each with a collapsed solution holding TypeScript, a section on the real service,
 * links to documentation, and no internal jargon anywhere.
 */
export function structureProblems(file: string, tutorials: readonly string[]): string[] {
  const problems: string[] = [];
  const nb = readNotebook(file);
  const name = path.basename(file);
  const position = tutorials.indexOf(file);
  const title = headingTitle(nb);
  if (!title) problems.push("the first cell is not markdown starting with a '# ' heading");
  if (nb.metadata.title !== title) problems.push(`metadata.title ${JSON.stringify(nb.metadata.title)} differs from the heading ${JSON.stringify(title)} (HTML reports take their title from it)`);
  const header = nb.cells[0]?.cell_type === "markdown" ? sourceOf(nb.cells[0]) : "";
  const objectives = /\*\*You will learn to\*\*\s*\n((?:\s*- .+\n?)+)/.exec(header);
  if (!objectives || objectives[1].trim().split("\n").length < 2) problems.push("the header lacks '**You will learn to**' followed by at least two bullet points");
  if (!/\*\*Prerequisites:\*\*\s*\S/.test(header)) problems.push("the header lacks '**Prerequisites:** ...'");
  if (!/\*\*Time:\*\*\s*[^\n]*\d+\s*minutes/.test(header)) problems.push("the header lacks '**Time:** about N minutes ...'");

  const last = nb.cells[nb.cells.length - 1];
  const footer = last?.cell_type === "markdown" ? sourceOf(last) : "";
  const neighbours: [("Previous" | "Next"), string | undefined][] = [
    ["Previous", position > 0 ? tutorials[position - 1] : undefined],
    ["Next", position >= 0 && position < tutorials.length - 1 ? tutorials[position + 1] : undefined],
  ];
  for (const [where, text] of [["header", header], ["footer", footer]] as const) {
    for (const [which, neighbour] of neighbours) {
      const links = navLinks(text, which);
      if (neighbour === undefined) {
        if (links.length > 0) problems.push(`the ${where} links a ${which.toLowerCase()} notebook, but ${name} is the ${which === "Previous" ? "first" : "last"}`);
        continue;
      }
      const expected = path.basename(neighbour);
      if (links.length !== 1) {
        problems.push(`the ${where} lacks '**${which}:** [title](${expected})'`);
        continue;
      }
      const [link] = links;
      if (link.target !== expected) problems.push(`the ${where}'s ${which.toLowerCase()} link points at ${link.target}, not ${expected}`);
      else if (!fs.existsSync(path.join(path.dirname(file), link.target))) problems.push(`the ${where}'s ${which.toLowerCase()} link ${link.target} does not exist`);
      const neighbourTitle = headingTitle(readNotebook(neighbour));
      if (link.text !== neighbourTitle) problems.push(`the ${where}'s ${which.toLowerCase()} link reads ${JSON.stringify(link.text)}, not the notebook's title ${JSON.stringify(neighbourTitle)}`);
    }
  }

  const markdown = nb.cells.filter((c) => c.cell_type === "markdown").map(sourceOf);
  const exercises = markdown.find((text) => /^## Exercises\s*$/m.test(text));
  if (!exercises) problems.push("no markdown cell with a '## Exercises' heading");
  else {
    const numbered = exercises.match(/\*\*Exercise \d+\.\*\*/g) ?? [];
    const solutions = solutionBlocks(exercises);
    if (numbered.length < 2) problems.push(`${numbered.length} exercise(s); give at least two ('**Exercise N.**')`);
    if (solutions.length !== numbered.length) problems.push(`${numbered.length} exercises but ${solutions.length} collapsed solutions ('<details>', '<summary>Solution</summary>', a \`\`\`ts block)`);
    if (/<details\s+open/i.test(exercises)) problems.push("a solution is expanded (<details open>)");
  }
  const real = markdown.find((text) => /^## Against the real service\s*$/m.test(text));
  if (!real) problems.push("no '## Against the real service' section");
  else if (!real.includes("NEUROPORTAL_MODE=real")) problems.push("the real-service section does not say to set NEUROPORTAL_MODE=real");
  const links = new Set(markdown.flatMap((text) => [...text.matchAll(/\]\((https?:\/\/[^)\s]+)\)/g)].map((m) => m[1])));
  if (links.size < 3) problems.push(`${links.size} links to outside documentation; give at least three`);
  nb.cells.forEach((cell, i) => {
    for (const word of JARGON) {
      const hit = word.exec(sourceOf(cell));
      if (hit) problems.push(`cell ${i} uses internal jargon ${JSON.stringify(hit[0])}`);
    }
  });
  return problems;
}

/** The TypeScript of each collapsed solution (`<details>` with a `<summary>Solution</summary>` and a ```ts block) in a markdown text. */
export function solutionBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  for (const details of markdown.matchAll(/<details>\s*<summary>Solution<\/summary>([\s\S]*?)<\/details>/g)) {
    const code = /```ts\n([\s\S]*?)\n```/.exec(details[1]);
    if (code) blocks.push(code[1]);
  }
  return blocks;
}

/** A copy of a notebook with each exercise solution as a code cell right after the exercises, to prove the solutions run. */
export function withSolutionsRun(nb: NotebookJson): NotebookJson {
  const cells: NotebookCell[] = [];
  for (const cell of nb.cells) {
    cells.push(cell);
    if (cell.cell_type === "markdown" && /^## Exercises\s*$/m.test(sourceOf(cell))) {
      for (const code of solutionBlocks(sourceOf(cell))) cells.push({ cell_type: "code", source: code, outputs: [], execution_count: null, metadata: {} } as NotebookCell);
    }
  }
  return { ...nb, cells };
}

// ---------------------------------------------------------------- charts

/** The possible range of each instrument the notebooks draw (reference/hcp-nontoolbox.md), and how to recognise it. */
export const INSTRUMENTS: readonly { name: string; range: [number, number]; match: RegExp }[] = [
  { name: "NEO-FFI factor score", range: [0, 48], match: /neo_neofac|NEO|Agreeableness|Openness|Conscientiousness|Neuroticism|Extraversion/i },
  { name: "Penn Progressive Matrices, correct (of 24)", range: [0, 24], match: /pmat24_a_cr|pmat24_pmat24_a_cr|PMAT24|Progressive Matrices/i },
  { name: "Penn Word Memory, total correct (of 40)", range: [0, 40], match: /iwrd_tot|Word Memory/i },
  { name: "Penn Emotion Recognition, correct (of 40)", range: [0, 40], match: /er40_cr\b|er40_er40_cr\b|Emotion Recognition/i },
  { name: "delay discounting area under the curve", range: [0, 1], match: /ddisc_auc|discounting/i },
  { name: "mean framewise displacement in mm (drawn 0–1)", range: [0, 1], match: /framewise displacement|mean_fd/i },
];

type Axis = Record<string, unknown> & { title?: { text?: string } | string; range?: number[]; showticklabels?: boolean; matches?: string; domain?: number[]; type?: string };
type Trace = Record<string, unknown> & { type?: string; name?: string; xaxis?: string; yaxis?: string };
interface PlotlyFigure {
  data: Trace[];
  layout: Record<string, unknown>;
}

const axisKey = (ref: string | undefined, direction: "x" | "y") => `${direction}axis${(ref ?? direction).slice(1)}`;
const titleText = (axis: Axis | undefined): string | undefined => (typeof axis?.title === "string" ? axis.title : axis?.title?.text) || undefined;
const hasUnit = (title: string) => /\([^)]+\)/.test(title) || /^number of\b/i.test(title);

function figureTitle(figure: PlotlyFigure): string {
  const title = figure.layout.title as { text?: string } | string | undefined;
  return (typeof title === "string" ? title : title?.text) ?? "(untitled)";
}

/** Whether a trace lays out category names (not numbers) along a direction. */
function categorical(trace: Trace, direction: "x" | "y"): boolean {
  const values = trace[direction];
  if (Array.isArray(values) && values.some((v) => typeof v === "string")) return true;
  const vertical = trace.orientation !== "h";
  if ((trace.type === "box" || trace.type === "violin") && values === undefined) return direction === (vertical ? "x" : "y");
  return false;
}

/** The value axis range of a trace's axis, following `matches` to the axis it shares. */
function resolvedAxis(layout: Record<string, unknown>, key: string): Axis | undefined {
  let axis = layout[key] as Axis | undefined;
  for (let hops = 0; axis?.matches && hops < 5; hops++) axis = layout[axisKey(axis.matches, key[0] as "x" | "y")] as Axis | undefined;
  return axis;
}

/** Problems with one figure: axis titles (with units on numeric axes), colour-bar titles, instrument ranges. */
export function figureProblems(figure: PlotlyFigure): string[] {
  const problems: string[] = [];
  const name = figureTitle(figure);
  const layout = figure.layout ?? {};
  const used = new Map<string, Trace[]>();
  for (const trace of figure.data) {
    for (const direction of ["x", "y"] as const) {
      const key = axisKey(trace[`${direction}axis`] as string | undefined, direction);
      used.set(key, [...(used.get(key) ?? []), trace]);
    }
  }
  for (const [key, traces] of used) {
    const axis = (layout[key] ?? {}) as Axis;
    if (axis.showticklabels === false) continue;
    const direction = key[0] as "x" | "y";
    const sharingTitle = Object.entries(layout)
      .filter(([other]) => other.startsWith(`${direction}axis`) && other !== key)
      .map(([, other]) => other as Axis)
      .find((other) => JSON.stringify(other.domain) === JSON.stringify(axis.domain) && axis.domain !== undefined && titleText(other));
    const title = titleText(axis) ?? titleText(sharingTitle);
    if (!title) {
      problems.push(`${name}: ${key} has tick labels but no title`);
      continue;
    }
    const isCategorical = axis.type === "category" || traces.some((t) => categorical(t, direction));
    if (!isCategorical && !hasUnit(title)) problems.push(`${name}: ${key} title ${JSON.stringify(title)} gives no unit in parentheses`);
  }
  for (const trace of figure.data) {
    const coloured = trace.type === "heatmap" || trace.type === "contour";
    if (coloured && trace.showscale !== false) {
      const colorbar = trace.colorbar as { title?: { text?: string } | string } | undefined;
      const text = typeof colorbar?.title === "string" ? colorbar.title : colorbar?.title?.text;
      if (!text) problems.push(`${name}: a ${trace.type} has a colour bar without a title`);
    }
    if (trace.type === "histogram" || trace.type === "box" || trace.type === "violin") problems.push(...distributionProblems(figure, trace, name));
  }
  return problems;
}

function distributionProblems(figure: PlotlyFigure, trace: Trace, name: string): string[] {
  const horizontal = trace.type !== "histogram" && trace.orientation === "h";
  const direction: "x" | "y" = trace.type === "histogram" || horizontal ? "x" : "y";
  const key = axisKey(trace[`${direction}axis`] as string | undefined, direction);
  const axis = resolvedAxis(figure.layout, key);
  const clues = [titleText(axis), titleText(figure.layout[key] as Axis), trace.name, figureTitle(figure)].filter((c): c is string => typeof c === "string");
  const instrument = clues.map((clue) => INSTRUMENTS.find((i) => i.match.test(clue))).find(Boolean);
  const what = `${name}: ${trace.type} ${JSON.stringify(trace.name ?? "")}`;
  if (!instrument) return [`${what}: no known instrument in ${JSON.stringify(clues)}; add its range to INSTRUMENTS`];
  const [lo, hi] = instrument.range;
  const problems: string[] = [];
  const values = ((trace[direction] as unknown[]) ?? []).filter((v): v is number => typeof v === "number");
  const outside = values.filter((v) => v < lo || v > hi);
  if (outside.length > 0) problems.push(`${what}: ${outside.length} values outside the ${instrument.name} range ${lo}–${hi}`);
  const half = trace.type === "histogram" ? Number((trace.xbins as { size?: number } | undefined)?.size ?? 0) / 2 : 0;
  const range = axis?.range;
  if (!Array.isArray(range) || range.length !== 2) problems.push(`${what}: the value axis has no explicit range (the ${instrument.name} runs ${lo}–${hi})`);
  else if (range[0] < lo - half - 1e-9 || range[1] > hi + half + 1e-9) problems.push(`${what}: the value axis runs ${range[0]}–${range[1]}, beyond the ${instrument.name} range ${lo}–${hi}`);
  if (trace.type === "violin" && trace.spanmode !== "hard") problems.push(`${what}: the violin's density is drawn past the data (spanmode ${JSON.stringify(trace.spanmode ?? "soft")})`);
  return problems;
}

/** Every plotly figure an executed notebook holds. */
export function figuresOf(nb: NotebookJson): PlotlyFigure[] {
  return nb.cells.flatMap((cell) => cell.outputs ?? []).flatMap((o) => (o.data?.[PLOTLY_MIME_TYPE] ? [o.data[PLOTLY_MIME_TYPE] as PlotlyFigure] : []));
}

/** Problems with the charts of an executed notebook. */
export function chartProblems(nb: NotebookJson): string[] {
  return figuresOf(nb).flatMap(figureProblems);
}

// ---------------------------------------------------------------- tables

/** The header texts of each HTML table in an executed notebook, with its caption. */
export function tablesOf(nb: NotebookJson): { caption: string; headers: string[]; rowLabels: string[] }[] {
  const decode = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  return nb.cells
    .flatMap((cell) => cell.outputs ?? [])
    .map((o) => textOf(o.data?.["text/html"]))
    .filter((html) => html.includes('class="np-frame"'))
    .map((html) => ({
      caption: decode(/<caption[^>]*>([^<]*)<\/caption>/.exec(html)?.[1] ?? ""),
      headers: [...(html.split("</thead>")[0].matchAll(/<th[^>]*>(.*?)<\/th>/g))].map((m) => decode(m[1].replace(/<[^>]+>/g, ""))).filter((h) => h !== "" && h !== "…"),
      rowLabels: [...(html.split("<tbody>")[1] ?? "").matchAll(/<tr><th[^>]*>([^<]*)<\/th>/g)].map((m) => decode(m[1])),
    }));
}

/**
 * Problems with summary tables: a table of statistics per measure (rows count, mean, std ...)
 * must give each measure's unit in its header; a table with statistics as columns (one row per
 * group) must give the measure's unit in its caption.
 */
export function tableProblems(nb: NotebookJson): string[] {
  const problems: string[] = [];
  for (const table of tablesOf(nb)) {
    const label = table.caption || table.headers.join(", ").slice(0, 60);
    if (table.rowLabels.includes("mean") && table.rowLabels.includes("std")) {
      for (const header of table.headers) if (!hasUnit(header)) problems.push(`summary table "${label}": header ${JSON.stringify(header)} gives no unit in parentheses`);
    } else if (table.headers.includes("mean") && table.headers.includes("std") && !hasUnit(table.caption)) {
      problems.push(`summary table "${label}": statistics as columns, but the caption gives no unit in parentheses`);
    }
  }
  return problems;
}

/** The text of an executed notebook's first output (a stream, or a display's text/plain). */
export function firstOutputText(nb: NotebookJson): string | undefined {
  const first = nb.cells.flatMap((cell) => cell.outputs ?? [])[0];
  return first === undefined ? undefined : textOf(first.text ?? first.data?.["text/plain"]);
}

/** The `<title>` of an HTML report. */
export function htmlTitle(html: string): string | undefined {
  const head = html.split("</head>")[0];
  const match = /<title>([^<]*)<\/title>/.exec(head);
  return match ? match[1].replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"') : undefined;
}

// ---------------------------------------------------------------- lists

/** A list item as printed: a quoted string (Python or Node style, optionally u-prefixed) or a bare number of 3+ digits, with its bracket or comma. */
const LIST_ITEM = /^[[(]?(u?'[^']*'|u?"[^"]*"|\d{3,})[\]),]*$/;

/**
 * Problems with printed lists: a text line longer than `width` that holds ten or more list items
 * is a list left to the front end, which wraps it anywhere, even inside an item. `formatList`
 * wraps between items instead.
 */
export function listProblems(nb: NotebookJson, width = 100): string[] {
  const problems: string[] = [];
  nb.cells.forEach((cell, i) => {
    for (const output of cell.outputs ?? []) {
      const text = output.output_type === "stream" ? textOf(output.text) : output.data?.["text/html"] === undefined ? textOf(output.data?.["text/plain"]) : "";
      for (const line of text.split("\n")) {
        const items = line.split(/[\s,]+/).filter((token) => LIST_ITEM.test(token)).length;
        if (line.length > width && items >= 10) problems.push(`cell ${i}: a ${line.length}-character line of ${items} list items (print it with formatList): ${line.slice(0, 60)}…`);
      }
    }
  });
  return problems;
}
