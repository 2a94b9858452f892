/** Which resources a URL's owner has, and how XNAT names them: one {@link FileScope} per kind of owner. */
import type { Catalog, ExperimentRecord, ProjectRecord, SubjectRecord } from "../model.js";
import { experimentResources, projectResources, scanResources, subjectResources } from "./resources.js";
import type { FileScope } from "./routes.js";

const none = () => "";

/** The session-level resources of an experiment (`/data/experiments/<ID>/resources`). */
export function experimentScope(experiment: ExperimentRecord): FileScope {
  const uri = `/data/experiments/${experiment.id}`;
  return { resources: experimentResources(experiment), uri, zipRoot: experiment.label, zipPrefix: none, ownerUri: () => uri };
}

/**
 * The resources of one scan, several (`1,3`) or all (`ALL`) of a session's scans; undefined
 * when a named scan does not exist.
 */
export function scansScope(experiment: ExperimentRecord, ids: string): FileScope | undefined {
  const scans = experiment.mr?.scans ?? [];
  const wanted = ids === "ALL" || ids === "*" ? scans : ids.split(",").map((id) => scans.find((scan) => scan.id === id));
  if (wanted.length === 0 || wanted.some((scan) => scan === undefined)) return undefined;
  const uri = `/data/experiments/${experiment.id}`;
  return {
    resources: wanted.flatMap((scan) => scanResources(experiment, scan!)),
    uri: wanted.length === 1 ? `${uri}/scans/${wanted[0]!.id}` : `${uri}/scans/${ids}`,
    zipRoot: experiment.label,
    zipPrefix: (resource) => `scans/${resource.catId}/`,
    ownerUri: (resource) => `${uri}/scans/${resource.catId}`,
  };
}

/** A subject's resources (`/data/subjects/<ID>/resources`). */
export function subjectScope(subject: SubjectRecord): FileScope {
  const uri = `/data/subjects/${subject.id}`;
  return { resources: subjectResources(subject), uri, zipRoot: subject.label, zipPrefix: none, ownerUri: () => uri };
}

/** A project's resources (`/data/projects/<ID>/resources`). */
export function projectScope(catalog: Catalog, project: ProjectRecord): FileScope {
  const uri = `/data/projects/${project.id}`;
  return { resources: projectResources(project, catalog.projects.indexOf(project)), uri, zipRoot: project.id, zipPrefix: none, ownerUri: () => uri };
}
