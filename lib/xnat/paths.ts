import { InvalidArgumentError } from "../errors.js";

/** Query parameters of an XNAT request; undefined values are left out. */
export type Query = Record<string, string | number | undefined>;

/** Normalises the server address to a base URL ending in `/` (a path prefix such as `/xnat/` is kept). */
export function toBaseUrl(url: string | URL): URL {
  let base: URL;
  try {
    base = new URL(String(url));
  } catch {
    throw new InvalidArgumentError(`${JSON.stringify(String(url))} is not a URL`, "give the server address, e.g. https://db.humanconnectome.org/");
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new InvalidArgumentError(`the XNAT address must be http(s), not ${base.protocol}`);
  }
  if (base.username || base.password) {
    throw new InvalidArgumentError("put the user name and password in the connect() options, not in the URL");
  }
  base.search = "";
  base.hash = "";
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  return base;
}

/** One path segment, percent-encoded except `:` and `@` (legal in paths; XNAT type names contain `:`). */
const segment = (value: string, what: string): string => {
  if (typeof value !== "string" || value === "") throw new InvalidArgumentError(`the ${what} must be a non-empty string`);
  return encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%40/g, "@");
};

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
