import { InvalidArgumentError } from "../errors.js";
import { toServiceBase } from "../http/url.js";
import { describeValue } from "../core/validate.js";

/** Query parameters of an XNAT request; undefined values are left out. */
export type Query = Record<string, string | number | undefined>;

/**
 * The server address as a base URL ending in `/` (a path prefix such as `/xnat/` is kept).
 * User info, a query or a `#fragment` are refused (see `toServiceBase`).
 */
export function toBaseUrl(url: string | URL): URL {
  return toServiceBase(url, "the XNAT address", "https://db.humanconnectome.org/");
}

/**
 * One path segment from an identifier (project, subject, experiment, scan, resource, file name):
 * a non-empty string that stays one segment. `.`, `..` (which URL resolution would turn into
 * another resource) and `/`, `\`, `?`, `#` or control characters are refused with
 * {@link InvalidArgumentError}; the rest is percent-encoded except `:` and `@` (legal in paths;
 * XNAT type names contain `:`).
 */
export function pathSegment(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new InvalidArgumentError(`the ${what} must be a non-empty string, not ${describeValue(value)}`);
  if (value === "." || value === ".." || /[/\\?#\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidArgumentError(`the ${what} ${JSON.stringify(value)} is not a single path segment`, "XNAT identifiers and labels never contain / \\ ? # or control characters and are never . or ..; check the value");
  }
  return encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%40/g, "@");
}

const segment = pathSegment;

/** `data/projects` */
export const projectsPath = (): string => "data/projects";
/** `data/projects/{p}` */
export const projectPath = (project: string): string => `data/projects/${segment(project, "project ID")}`;
/** `data/projects/{p}/subjects` */
export const subjectsPath = (project: string): string => `${projectPath(project)}/subjects`;
/** `data/projects/{p}/subjects/{s}` */
export const subjectPath = (project: string, subject: string): string => `${subjectsPath(project)}/${segment(subject, "subject label or ID")}`;
/** `data/projects/{p}[/subjects/{s}]/experiments` */
export const experimentsPath = (project: string, subject?: string): string =>
  `${subject === undefined ? projectPath(project) : subjectPath(project, subject)}/experiments`;
/** `data/projects/{p}[/subjects/{s}]/experiments/{e}` */
export const experimentPath = (project: string, subject: string | undefined, experiment: string): string =>
  `${experimentsPath(project, subject)}/${segment(experiment, "experiment label or ID")}`;
/** `<experiment>/scans` */
export const scansPath = (experiment: string): string => `${experiment}/scans`;
/** `<experiment>/scans/{id}` */
export const scanPath = (experiment: string, scan: string): string => `${scansPath(experiment)}/${segment(scan, "scan ID")}`;
/** `<owner>/resources` (owner: a project, subject, experiment or scan path) */
export const resourcesPath = (owner: string): string => `${owner}/resources`;
/** `<owner>/resources/{label or ID}` */
export const resourcePath = (owner: string, resource: string): string => `${resourcesPath(owner)}/${segment(resource, "resource label or ID")}`;
/** `<owner>/files`: the files of every resource of the owner (or of one resource, below `resourcePath`) */
export const filesPath = (owner: string): string => `${owner}/files`;
/** `data/search` */
export const searchPath = (): string => "data/search";
/** `data/search/elements[/{type}]` */
export const searchElementsPath = (type?: string): string => (type === undefined ? "data/search/elements" : `data/search/elements/${segment(type, "data type")}`);
/** `data/JSESSION` */
export const sessionPath = (): string => "data/JSESSION";

/** Joins a relative path and query onto the base URL. */
export function toUrl(base: URL, path: string, query: Query = {}): URL {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}
