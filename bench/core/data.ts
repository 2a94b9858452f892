import * as fs from "node:fs";
import * as path from "node:path";

import { seededRandom } from "../../demo/src/prng.js";

export { seededRandom };

/** Fetches one experiment document per subject label from an XNAT server (Basic auth), in label order. */
export async function fetchExperimentXml(info: { url: string; user: string; password: string }, project: string, experimentOf: (label: string) => string): Promise<{ label: string; xml: string }[]> {
  const authorization = `Basic ${Buffer.from(`${info.user}:${info.password}`).toString("base64")}`;
  const get = async (url: string) => {
    const response = await fetch(url, { headers: { authorization } });
    if (!response.ok) throw new Error(`GET ${url.replace(info.url, "")} answered ${response.status}`);
    return response.text();
  };
  const listing = JSON.parse(await get(`${info.url}data/projects/${project}/subjects?format=json&columns=ID,label`));
  const labels: string[] = listing.ResultSet.Result.map((row: { label: string }) => row.label);
  const out: { label: string; xml: string }[] = [];
  for (const label of labels) {
    out.push({ label, xml: await get(`${info.url}data/projects/${project}/subjects/${label}/experiments/${experimentOf(label)}?format=xml`) });
  }
  return out;
}

/**
 * Writes `count` experiment documents to `folder` (`000001.xml`, ...), cycling through the
 * templates. Copies after the first round get fresh root `ID` and `label` attributes, so every
 * document is a distinct experiment; the score values repeat with the templates.
 */
export function writeXmlCorpus(templates: readonly string[], folder: string, count: number): number {
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const template = templates[i % templates.length];
    const round = Math.floor(i / templates.length);
    let xml = template;
    if (round > 0) {
      let renamedId = false;
      let renamedLabel = false;
      xml = template.replace(/<([\w:]+)\s[^>]*>/, (root) =>
        root
          .replace(/\sID="([^"]*)"/, (all, id) => (renamedId ? all : ((renamedId = true), ` ID="${id}_B${round}"`)))
          .replace(/\slabel="([^"]*)"/, (all, label) => (renamedLabel ? all : ((renamedLabel = true), ` label="${label}_B${round}"`))),
      );
    }
    fs.writeFileSync(path.join(folder, `${String(i + 1).padStart(6, "0")}.xml`), xml);
    bytes += Buffer.byteLength(xml);
  }
  return bytes;
}

/**
 * Writes an XNAT search result in JSON (`ResultSet` with `Columns` metadata and string cells,
 * as XNAT sends it) of `rows` x `columns`: a subject ID column, then integer, float and text
 * score columns in a fixed mix, about 3% of cells blank.
 */
export function writeSearchResultJson(file: string, rows: number, columns: number, seed = 1206): number {
  const random = seededRandom(seed);
  const specs: { key: string; type: "string" | "integer" | "float" }[] = [{ key: "subject_id", type: "string" }];
  for (let c = 1; c < columns; c++) {
    const pick = random();
    const type = pick < 0.08 ? "string" : pick < 0.65 ? "integer" : "float";
    specs.push({ key: `score_${String(c).padStart(3, "0")}`, type });
  }
  const levels = ["M", "F", "Yes", "No", "22-25", "26-30", "31-35", "36+", "Version 2.1", "n/a"];
  const result: Record<string, string>[] = [];
  for (let r = 0; r < rows; r++) {
    const row: Record<string, string> = {};
    for (const spec of specs) {
      if (spec.type === "string") {
        row[spec.key] = spec.key === "subject_id" ? `ConnectomeDB_S${String(230 + r).padStart(5, "0")}` : random() < 0.03 ? "" : levels[Math.floor(random() * levels.length)];
      } else if (random() < 0.03) {
        row[spec.key] = "";
      } else if (spec.type === "integer") {
        row[spec.key] = String(Math.floor(random() * 200));
      } else {
        row[spec.key] = (random() * 1000).toFixed(4);
      }
    }
    result.push(row);
  }
  const envelope = {
    ResultSet: {
      Columns: specs.map((spec) => ({ key: spec.key, element_name: "nt:scores", id: spec.key.toUpperCase(), xPATH: `nt:scores.${spec.key.toUpperCase()}`, header: spec.key.toUpperCase(), type: spec.type })),
      Result: result,
      totalRecords: String(rows),
      rootElementName: "nt:scores",
    },
  };
  const text = JSON.stringify(envelope);
  fs.writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/** Bytes in words: `512 KiB`, `3.6 MiB`, `2.0 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
