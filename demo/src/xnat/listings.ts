/** The archive listings (`/data/projects`, `.../subjects`, `.../experiments`): columns, filters, paging, sorting. */
import { findElementType, resolveField, SearchRow } from "./fields.js";
import { Catalog, ExperimentRecord, labelIn, ProjectRecord, projectsOf, ScanRecord, SubjectRecord } from "./model.js";
import { javaDouble } from "./values.js";
import type { Table } from "./table.js";

/** A listing failed because of a bad parameter (answered with 400). */
export class ListingParameterError extends Error {}

type Cell = (row: SearchRow, scope: string | undefined) => string;

interface ListingSpec {
  /** Shortcut column keys (output names) and how to read them. */
  shortcuts: Record<string, Cell>;
  defaults: string[];
  numeric: ReadonlySet<string>;
  uri(row: SearchRow): string;
}

const blank: Cell = () => "";

const projectSpec: ListingSpec = {
  shortcuts: {
    ID: (row) => (row.project as ProjectRecord).id,
    secondary_ID: (row) => (row.project as ProjectRecord).secondaryId,
    name: (row) => (row.project as ProjectRecord).name,
    description: (row) => (row.project as ProjectRecord).description,
    keywords: (row) => (row.project as ProjectRecord).keywords,
    alias: blank,
    pi_firstname: (row) => (row.project as ProjectRecord).piFirstname,
    pi_lastname: (row) => (row.project as ProjectRecord).piLastname,
  },
  defaults: ["ID", "secondary_ID", "name", "description", "pi_firstname", "pi_lastname"],
  numeric: new Set(),
  uri: (row) => `/data/projects/${(row.project as ProjectRecord).id}`,
};

const subj = (row: SearchRow) => row.subject as SubjectRecord;
const subjectSpec: ListingSpec = {
  shortcuts: {
    ID: (row) => subj(row).id,
    // The owning project, also in another project's listing (XNAT replaces only the label there).
    project: (row) => subj(row).project,
    label: (row, scope) => (scope ? labelIn(subj(row), scope) ?? subj(row).label : subj(row).label),
    group: (row) => subj(row).group,
    gender: (row) => subj(row).gender,
    handedness: (row) => subj(row).handedness,
    age: (row) => String(subj(row).age),
    dob: blank,
    yob: blank,
    education: blank,
    ses: blank,
    race: blank,
    ethnicity: blank,
    height: blank,
    weight: blank,
    insert_date: (row) => subj(row).insertDate,
    insert_user: (row) => subj(row).insertUser,
    last_modified: (row) => subj(row).insertDate,
  },
  defaults: ["ID", "project", "label", "insert_date", "insert_user"],
  numeric: new Set(["age"]),
  uri: (row) => `/data/subjects/${subj(row).id}`,
};

const expt = (row: SearchRow) => row.experiment as ExperimentRecord;
const experimentSpec: ListingSpec = {
  shortcuts: {
    ID: (row) => expt(row).id,
    project: (row, scope) => scope ?? expt(row).project,
    label: (row, scope) => (scope ? labelIn(expt(row), scope) ?? expt(row).label : expt(row).label),
    date: (row) => expt(row).date,
    time: blank,
    xsiType: (row) => expt(row).xsiType,
    subject_ID: (row) => expt(row).subjectId,
    subject_label: (row, scope) => (row.subject ? (scope ? labelIn(row.subject, scope) ?? row.subject.label : row.subject.label) : ""),
    subject_project: (row, scope) => (row.subject ? scope ?? row.subject.project : ""),
    modality: (row) => (expt(row).mr ? "MR" : ""),
    scanner: (row) => expt(row).mr?.scanner ?? "",
    fieldStrength: (row) => (expt(row).mr ? javaDouble(expt(row).mr!.fieldStrength) : ""),
    insert_date: (row) => expt(row).insertDate,
    insert_user: (row) => expt(row).insertUser,
    last_modified: (row) => expt(row).insertDate,
  },
  defaults: ["ID", "project", "date", "xsiType", "label", "insert_date"],
  numeric: new Set(["fieldStrength"]),
  uri: (row) => `/data/experiments/${expt(row).id}`,
};

/** `.../experiments/{e}/scans`: the session's scans (none for non-imaging experiments). */
export function listScans(experiment: ExperimentRecord, query: URLSearchParams): Table {
  const base = Number(experiment.id.replace(/\D/g, "")) * 20;
  const scans = experiment.mr?.scans ?? [];
  const spec: ListingSpec = {
    shortcuts: {
      xnat_imagescandata_id: (row) => String(base + scans.indexOf(row.scan as ScanRecord) + 1),
      ID: (row) => (row.scan as ScanRecord).id,
      type: (row) => (row.scan as ScanRecord).type,
      quality: (row) => (row.scan as ScanRecord).quality,
      xsiType: () => "xnat:mrScanData",
      note: blank,
      series_description: (row) => (row.scan as ScanRecord).seriesDescription,
      frames: (row) => String((row.scan as ScanRecord).frames),
    },
    defaults: ["xnat_imagescandata_id", "ID", "type", "quality", "xsiType", "note", "series_description"],
    numeric: new Set(["frames"]),
    uri: (row) => `/data/experiments/${experiment.id}/scans/${(row.scan as ScanRecord).id}`,
  };
  return buildListing(spec, scans.map((scan) => ({ experiment, scan })), query, undefined, spec.defaults, false);
}

/** `/data/projects`: every project the user can see. */
export function listProjects(catalog: Catalog, query: URLSearchParams): Table {
  return buildListing(projectSpec, catalog.projects.map((project) => ({ project })), query, undefined, projectSpec.defaults, false);
}

/** `/data/subjects` (scope undefined) or `/data/projects/{p}/subjects` (scope = project ID). */
export function listSubjects(catalog: Catalog, query: URLSearchParams, scope?: string): Table {
  const rows = catalog.subjects
    .filter((subject) => !scope || projectsOf(subject).includes(scope))
    .map((subject) => ({ subject }));
  return buildListing(subjectSpec, rows, query, scope, subjectSpec.defaults, true);
}

/** Experiment listings: site-wide, project-scoped, or of one subject within a project. */
export function listExperiments(catalog: Catalog, query: URLSearchParams, scope?: string, subjectId?: string): Table {
  const xsiType = singleXsiType(query);
  const rows = catalog.experiments
    .filter((experiment) => !scope || projectsOf(experiment).includes(scope))
    .filter((experiment) => !subjectId || experiment.subjectId === subjectId)
    .filter((experiment) => !xsiType || experiment.xsiType.toLowerCase() === xsiType.toLowerCase())
    .map((experiment) => ({ experiment, subject: catalog.subjectById.get(experiment.subjectId) }));
  const siteWideAssessor = !scope && xsiType !== undefined;
  const defaults = siteWideAssessor ? [...experimentSpec.defaults, "subject_ID", "subject_label"] : experimentSpec.defaults;
  // Project-scoped listings carry the root element's ID column under its lower-cased XML path
  // (`xnat:subjectassessordata/id`, the root being the xsiType when one is given), as real
  // XNAT's listings do (recorded: test/fixtures/real/xnat/ohif-*-experiments.json).
  const rootId = scope ? `${(xsiType ?? "xnat:subjectAssessorData").toLowerCase()}/id` : undefined;
  const spec: ListingSpec = rootId ? { ...experimentSpec, shortcuts: { ...experimentSpec.shortcuts, [rootId]: (row) => expt(row).id } } : experimentSpec;
  return buildListing(spec, rows, query, scope, defaults, true, rootId);
}

/** `xsiType=<one type>` narrows the root type; a comma-separated list is ignored, as XNAT does. */
function singleXsiType(query: URLSearchParams): string | undefined {
  const value = query.get("xsiType");
  if (!value || value.includes(",")) return undefined;
  return value;
}

/** Listing columns holding SQL dates and timestamps (written unquoted in CSV). */
const DATE_COLUMNS: ReadonlySet<string> = new Set(["date", "insert_date", "last_modified"]);

const RESERVED = new Set(["format", "columns", "limit", "offset", "sortby", "sortorder", "xsitype", "xnat_csrf", "cache", "refresh"]);

interface Column {
  key: string;
  read: Cell;
}

function buildListing(spec: ListingSpec, rows: SearchRow[], query: URLSearchParams, scope: string | undefined, defaults: string[], pageable: boolean, keyColumn?: string): Table {
  const shortcut = (name: string) => Object.keys(spec.shortcuts).find((key) => key.toLowerCase() === name.toLowerCase());
  const columns = chooseColumns(spec, query, defaults, shortcut);
  if (keyColumn && !columns.some((column) => column.key === keyColumn)) columns.splice(Math.min(2, columns.length), 0, { key: keyColumn, read: spec.shortcuts[keyColumn] });

  let selected = rows;
  for (const [name, value] of query) {
    if (RESERVED.has(name.toLowerCase())) continue;
    const key = shortcut(name);
    if (key) {
      const read = spec.shortcuts[key];
      if (key === "project" && !scope) {
        const wanted = value.split(",");
        selected = selected.filter((row) => {
          const item = row.subject && !row.experiment ? row.subject : row.experiment ?? row.project;
          const projects = item && "shares" in item ? projectsOf(item) : [read(row, scope)];
          return wanted.some((project) => projects.some((candidate) => matchesTerm(candidate, project, false)));
        });
      } else {
        selected = selected.filter((row) => matchesFilter(read(row, scope), value, spec.numeric.has(key)));
      }
    } else if (name.includes("/")) {
      const read = xmlPathCell(name);
      if (read) selected = selected.filter((row) => matchesFilter(read(row, scope), value, false));
    }
  }

  const table: Table = {
    columns: [...columns.map((column) => column.key), "URI"],
    rows: selected.map((row) => [...columns.map((column) => column.read(row, scope)), spec.uri(row)]),
    columnKinds: [...columns.map((column) => (spec.numeric.has(column.key) || DATE_COLUMNS.has(column.key) ? "bare" : "text") as "bare" | "text"), "text"],
  };
  sortTable(table, query);
  const paged = pageable ? applyPaging(table, query) : false;
  if (!paged) table.meta = { totalRecords: table.rows.length };
  return table;
}

function chooseColumns(spec: ListingSpec, query: URLSearchParams, defaults: string[], shortcut: (name: string) => string | undefined): Column[] {
  const requested = query.get("columns");
  const names = !requested || requested === "DEFAULT" ? defaults : requested.split(",").map((name) => name.trim()).filter(Boolean);
  const columns: Column[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const key = shortcut(name);
    if (key && !seen.has(key)) {
      seen.add(key);
      columns.push({ key, read: spec.shortcuts[key] });
    } else if (!key && name.includes("/")) {
      const read = xmlPathCell(name);
      const output = name.toLowerCase();
      if (read && !seen.has(output)) {
        seen.add(output);
        columns.push({ key: output, read });
      }
    }
  }
  return columns;
}

/** An XML-path column (`nt:scores/NEO/NEOFAC_A`, `xnat:subjectData/label`) read through the type's fields. */
function xmlPathCell(path: string): Cell | undefined {
  const slash = path.indexOf("/");
  const type = findElementType(path.slice(0, slash));
  const resolved = type && resolveField(type, path.slice(slash + 1));
  if (!type || !resolved) return undefined;
  return (row) => {
    let view: SearchRow | undefined;
    if (type.name === "xnat:subjectData") view = row.subject ? { subject: row.subject } : undefined;
    else if (type.name === "xnat:projectData") view = row.project ? row : undefined;
    else view = row.experiment && row.experiment.xsiType === type.name ? row : undefined;
    return view ? resolved.field.value(view, resolved.parameter) ?? "" : "";
  };
}

/** Comma = OR; `*` or `%` = LIKE; `a-b` = numeric range for numeric columns. */
function matchesFilter(cell: string, filter: string, numeric: boolean): boolean {
  return filter.split(",").some((term) => matchesTerm(cell, term, numeric));
}

function matchesTerm(cell: string, term: string, numeric: boolean): boolean {
  if (term.includes("*") || term.includes("%")) return likeToRegExp(term.replace(/\*/g, "%")).test(cell);
  const range = numeric ? /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(term) : null;
  if (range) {
    const value = Number(cell);
    return cell !== "" && value >= Number(range[1]) && value <= Number(range[2]);
  }
  return numeric && cell !== "" && term !== "" && !Number.isNaN(Number(term)) ? Number(cell) === Number(term) : cell === term;
}

/** SQL LIKE (case-insensitive): `%` any run, `_` any one character. */
export function likeToRegExp(pattern: string): RegExp {
  let source = "";
  for (const char of pattern) {
    if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "i");
}

/** Sorts rows in place by `sortBy=col1,col2` (`sortOrder=DESC` reverses); unknown columns are ignored. */
export function sortTable(table: Table, query: URLSearchParams): void {
  const sortBy = query.get("sortBy");
  if (!sortBy) return;
  const indexes = sortBy
    .split(",")
    .map((name) => table.columns.findIndex((column) => column.toLowerCase() === name.trim().toLowerCase()))
    .filter((index) => index >= 0);
  if (indexes.length === 0) return;
  const direction = (query.get("sortOrder") ?? "ASC").toUpperCase() === "DESC" ? -1 : 1;
  table.rows.sort((a, b) => {
    for (const index of indexes) {
      const order = a[index] < b[index] ? -1 : a[index] > b[index] ? 1 : 0;
      if (order !== 0) return order * direction;
    }
    return 0;
  });
}

/** `limit`/`offset` (`*` = unlimited; default limit 100, offset 0). Returns true when paging applied. */
function applyPaging(table: Table, query: URLSearchParams): boolean {
  const limitText = query.get("limit");
  const offsetText = query.get("offset");
  if (limitText === null && offsetText === null) return false;
  const parse = (text: string | null, fallback: number, name: string) => {
    if (text === null || text === "*") return text === "*" ? Infinity : fallback;
    if (!/^\d+$/.test(text)) throw new ListingParameterError(`${name} must be a non-negative integer or *, not ${JSON.stringify(text)}`);
    return Number(text);
  };
  const limit = parse(limitText, 100, "limit");
  const offset = parse(offsetText, 0, "offset");
  table.rows = table.rows.slice(offset === Infinity ? table.rows.length : offset, limit === Infinity ? undefined : offset + limit);
  return true;
}
