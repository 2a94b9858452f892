/** The searchable data types and their display fields (what `nt_scores_display.xml` and friends define). */
import { SCORE_GROUPS, scoreFieldId } from "./instruments.js";
import { Catalog, ExperimentRecord, labelIn, ProjectRecord, projectsOf, ScanRecord, SubjectRecord } from "./model.js";
import { formatScore, javaDouble } from "./values.js";

/** Data type of a display field; decides quoting (text) versus numeric comparison in searches. */
export type FieldType = "string" | "integer" | "float" | "date" | "boolean";

/** One row a search runs over: a subject, an experiment of a subject, or a project. */
export interface SearchRow {
  subject?: SubjectRecord;
  experiment?: ExperimentRecord;
  project?: ProjectRecord;
  /** Set in scan listings only. */
  scan?: ScanRecord;
}

/** A display field: search id, header, description, type, schema path and how to read its value. */
export interface DisplayField {
  id: string;
  header: string;
  description: string;
  type: FieldType;
  /** Where the value lives in the schema (`nt:scores/NEO/NEOFAC_A`, `nt:scores.subject_ID`). */
  schemaPath: string;
  /** True for fields that need a parameter (`PROJECT_IDENTIFIER=HCP_Q1`). */
  requiresValue?: boolean;
  /**
   * `searchable="true"` in the display document: listed by `/data/search/elements/{type}`.
   * XNAT's default is false, and stock documents leave PROJECTS and LABEL of experiments and
   * SUBJECT_ID/SUBJECT_LABEL of subjects unsearchable; searches accept every field all the same.
   */
  searchable: boolean;
  /** The value as the database would return it; null for SQL NULL. */
  value(row: SearchRow, parameter?: string): string | null;
}

/** A searchable data type (root element of searches, entry of `/data/search/elements`). */
export interface ElementType {
  name: string;
  singular: string;
  plural: string;
  /** The SQL name prefix used for columns of this type in other types' searches. */
  sqlName: string;
  fields: readonly DisplayField[];
  /** XML paths (lower-cased, without the type) that resolve to a display field id. */
  xmlPaths: Readonly<Record<string, string>>;
  /** The rows of this type, in ID order. */
  rows(catalog: Catalog): SearchRow[];
  /** True when rows carry a subject (joins to `xnat:subjectData` are possible). */
  subjectAssessor: boolean;
}

const field = (
  id: string,
  header: string,
  description: string,
  type: FieldType,
  schemaPath: string,
  value: DisplayField["value"],
  requiresValue = false,
): DisplayField => ({ id, header, description, type, schemaPath, value, requiresValue, searchable: !requiresValue });

/** The same field without `searchable="true"`: searches accept it, the field listing leaves it out. */
const unlisted = (displayField: DisplayField): DisplayField => ({ ...displayField, searchable: false });

const orNull = (text: string | undefined) => (text === undefined || text === "" ? null : text);
/** Experiments' PROJECTS (the MR view's `'<' || project || '>' || ...`): `<HCP_Subjects>,<HCP_Q1>`. */
const projectsValue = (item: { label: string; project: string; shares: { project: string; label: string }[] }) =>
  projectsOf(item)
    .map((project) => `<${project}>`)
    .join(",");

/** Subjects' PROJECTS (the subject view's `',<' || project || '>' || ...`): a leading comma, `,<HCP_Subjects>,<HCP_Q1>`. */
const subjectProjectsValue = (item: { label: string; project: string; shares: { project: string; label: string }[] }) => `,${projectsValue(item)}`;

/** The display fields every experiment type has; `idField` is the type's ID field (`EXPT_ID`, stock MR sessions: `SESSION_ID`). */
function experimentCommon(type: string, idField = "EXPT_ID"): DisplayField[] {
  const e = (row: SearchRow) => row.experiment as ExperimentRecord;
  return [
    field("SUBJECT_ID", "Subject", "Subject Label", "string", `${type}.subject_ID`, (row) => e(row).subjectId),
    field(idField, "ID", "Experiment ID", "string", `${type}.ID`, (row) => e(row).id),
    unlisted(field("LABEL", "Label", "Experiment label in its primary project", "string", `${type}.label`, (row) => e(row).label)),
    field("DATE", "Date", "Date of the experiment", "date", `${type}.date`, (row) => orNull(e(row).date)),
    field("PROJECT", "Project", "Primary project", "string", `${type}.project`, (row) => e(row).project),
    unlisted(field("PROJECTS", "Projects", "Projects that can see the experiment: the primary project and every project it is shared into, each in angle brackets", "string", `${type}.sharing.share.project`, (row) => projectsValue(e(row)))),
    field("AGE", "Age", "Age of the subject (years)", "integer", "xnat:subjectData.age", (row) => (row.subject ? String(row.subject.age) : null)),
    field("INSERT_DATE", "Inserted", "Date the experiment was stored", "date", `${type}.meta.insert_date`, (row) => e(row).insertDate),
    field("INSERT_USER", "Creator", "User who stored the experiment", "string", `${type}.meta.insert_user`, (row) => e(row).insertUser),
  ];
}

function projectIdentifier(type: string, id: string): DisplayField {
  return field(id, "Label", "Label within the project given as parameter", "string", `${type}.sharing.share.label`, (row, project) => {
    const item = row.experiment ?? row.subject;
    return item && project ? orNull(labelIn(item, project)) : null;
  }, true);
}

const experimentPaths: Record<string, string> = {
  id: "EXPT_ID",
  label: "LABEL",
  project: "PROJECT",
  date: "DATE",
  subject_id: "SUBJECT_ID",
  "sharing/share/project": "PROJECTS",
};

function experimentRows(xsiType: string) {
  return (catalog: Catalog): SearchRow[] =>
    catalog.experiments
      .filter((experiment) => experiment.xsiType === xsiType)
      .map((experiment) => ({ experiment, subject: catalog.subjectById.get(experiment.subjectId) }))
      .sort((a, b) => compare(a.subject?.id ?? "", b.subject?.id ?? "") || compare(a.experiment.id, b.experiment.id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const scoreFields: DisplayField[] = SCORE_GROUPS.flatMap((group) =>
  group.fields.map((scoreField) =>
    field(scoreFieldId(group, scoreField), scoreField.name, scoreField.description, scoreField.type, `nt:scores/${group.name}/${scoreField.name}`, (row) => {
      const value = row.experiment?.scores?.[group.name]?.[scoreField.name];
      return value === undefined ? null : formatScore(value, scoreField.type);
    }),
  ),
);

const scorePaths: Record<string, string> = Object.fromEntries(
  SCORE_GROUPS.flatMap((group) => group.fields.map((f) => [`${group.name}/${f.name}`.toLowerCase(), scoreFieldId(group, f)])),
);

const ntScores: ElementType = {
  name: "nt:scores",
  singular: "NTScores",
  plural: "NTScores",
  sqlName: "nt_scores",
  subjectAssessor: true,
  fields: [...experimentCommon("nt:scores"), ...scoreFields, projectIdentifier("nt:scores", "PROJECT_IDENTIFIER")],
  xmlPaths: { ...experimentPaths, ...scorePaths },
  rows: experimentRows("nt:scores"),
};

const mrSession: ElementType = {
  name: "xnat:mrSessionData",
  singular: "MR Session",
  plural: "MR Sessions",
  sqlName: "xnat_mrsessiondata",
  subjectAssessor: true,
  fields: [
    ...experimentCommon("xnat:mrSessionData", "SESSION_ID"),
    unlisted(field("SCANNER", "Scanner", "Scanner name", "string", "xnat:mrSessionData.scanner", (row) => row.experiment?.mr?.scanner ?? null)),
    field("FIELDSTRENGTH", "Field Strength", "Magnetic field strength (T)", "float", "xnat:mrSessionData.fieldStrength", (row) =>
      row.experiment?.mr ? javaDouble(row.experiment.mr.fieldStrength) : null,
    ),
    field("MR_SCAN_COUNT_AGG", "Scans", "Number of scans", "integer", "xnat:mrSessionData.scans.scan", (row) =>
      row.experiment?.mr ? String(row.experiment.mr.scans.length) : null,
    ),
    projectIdentifier("xnat:mrSessionData", "MR_PROJECT_IDENTIFIER"),
  ],
  // Ids as the stock mrSessionData_display.xml names them (SESSION_ID, MR_PROJECT_IDENTIFIER).
  xmlPaths: { ...experimentPaths, id: "SESSION_ID", scanner: "SCANNER", fieldstrength: "FIELDSTRENGTH" },
  rows: experimentRows("xnat:mrSessionData"),
};

const metaNames = ["T1_Count", "T2_Count", "RS_fMRI_Count", "tfMRI_Count", "dMRI_Count", "Full_MR_Compl", "NonTB_Compl"];
const subjectMeta: ElementType = {
  name: "hcp:subjectMetaData",
  singular: "Subject Metadata",
  plural: "Subject Metadata",
  sqlName: "hcp_subjectmetadata",
  subjectAssessor: true,
  fields: [
    ...experimentCommon("hcp:subjectMetaData"),
    ...metaNames.map((name) =>
      field(name.toUpperCase(), name, name.endsWith("_Compl") ? `Completion flag: ${name}` : `Number of ${name.replace("_Count", "")} scans collected`, name.endsWith("_Compl") ? "boolean" : "integer", `hcp:subjectMetaData/${name}`, (row) => {
        const entry = row.experiment?.meta?.find(([key]) => key === name);
        return entry ? String(entry[1]) : null;
      }),
    ),
    projectIdentifier("hcp:subjectMetaData", "PROJECT_IDENTIFIER"),
  ],
  xmlPaths: { ...experimentPaths, ...Object.fromEntries(metaNames.map((name) => [name.toLowerCase(), name.toUpperCase()])) },
  rows: experimentRows("hcp:subjectMetaData"),
};

const s = (row: SearchRow) => row.subject as SubjectRecord;
const subjectData: ElementType = {
  name: "xnat:subjectData",
  singular: "Subject",
  plural: "Subjects",
  sqlName: "xnat_subjectdata",
  subjectAssessor: true,
  fields: [
    unlisted(field("SUBJECT_ID", "Subject", "Subject ID (site-wide)", "string", "xnat:subjectData.ID", (row) => s(row).id)),
    unlisted(field("SUBJECT_LABEL", "Label", "Subject label in its primary project", "string", "xnat:subjectData.label", (row) => s(row).label)),
    field("PROJECT", "Project", "Primary project", "string", "xnat:subjectData.project", (row) => s(row).project),
    field("PROJECTS", "Projects", "Projects that can see the subject, each in angle brackets after a leading comma", "string", "xnat:subjectData.sharing.share.project", (row) => subjectProjectsValue(s(row))),
    field("GENDER_TEXT", "M/F", "Gender", "string", "xnat:subjectData.demographics.gender", (row) => s(row).gender),
    field("AGE", "Age", "Age (years)", "integer", "xnat:subjectData.demographics.age", (row) => String(s(row).age)),
    field("HANDEDNESS_TEXT", "Hand", "Handedness", "string", "xnat:subjectData.demographics.handedness", (row) => s(row).handedness),
    field("SUB_GROUP", "Group", "Subject group", "string", "xnat:subjectData.group", (row) => s(row).group),
    field("INSERT_DATE", "Inserted", "Date the subject was stored", "date", "xnat:subjectData.meta.insert_date", (row) => s(row).insertDate),
    field("INSERT_USER", "Creator", "User who stored the subject", "string", "xnat:subjectData.meta.insert_user", (row) => s(row).insertUser),
    projectIdentifier("xnat:subjectData", "SUB_PROJECT_IDENTIFIER"),
  ],
  xmlPaths: {
    id: "SUBJECT_ID",
    label: "SUBJECT_LABEL",
    project: "PROJECT",
    "sharing/share/project": "PROJECTS",
    "demographics/gender": "GENDER_TEXT",
    gender: "GENDER_TEXT",
    "demographics/age": "AGE",
    age: "AGE",
    "demographics/handedness": "HANDEDNESS_TEXT",
    group: "SUB_GROUP",
  },
  rows: (catalog) => catalog.subjects.map((subject) => ({ subject })),
};

const p = (row: SearchRow) => row.project as ProjectRecord;
const projectData: ElementType = {
  name: "xnat:projectData",
  singular: "Project",
  plural: "Projects",
  sqlName: "xnat_projectdata",
  subjectAssessor: false,
  fields: [
    field("ID", "ID", "Project ID", "string", "xnat:projectData.ID", (row) => p(row).id),
    field("SECONDARY_ID", "Title", "Running title", "string", "xnat:projectData.secondary_ID", (row) => p(row).secondaryId),
    field("NAME", "Name", "Project name", "string", "xnat:projectData.name", (row) => p(row).name),
    field("DESCRIPTION", "Description", "Project description", "string", "xnat:projectData.description", (row) => p(row).description),
    field("KEYWORDS", "Keywords", "Keywords", "string", "xnat:projectData.keywords", (row) => p(row).keywords),
    field("PI", "PI", "Principal investigator", "string", "xnat:projectData.PI", (row) => `${p(row).piLastname}, ${p(row).piFirstname}`),
  ],
  xmlPaths: { id: "ID", secondary_id: "SECONDARY_ID", name: "NAME", description: "DESCRIPTION", keywords: "KEYWORDS" },
  rows: (catalog) => catalog.projects.map((project) => ({ project })),
};

/** Every searchable type, in the order `/data/search/elements` lists them. */
export const ELEMENT_TYPES: readonly ElementType[] = [projectData, subjectData, mrSession, subjectMeta, ntScores];

/** Finds a type by name (case-insensitive, as XNAT resolves element names). */
export function findElementType(name: string): ElementType | undefined {
  const wanted = name.toLowerCase();
  return ELEMENT_TYPES.find((type) => type.name.toLowerCase() === wanted);
}

/** Resolves `FIELD` (display id, `FIELD=param`) or an XML path within `type`. */
export function resolveField(type: ElementType, reference: string): { field: DisplayField; parameter?: string } | undefined {
  const [id, ...rest] = reference.split("=");
  const parameter = rest.length > 0 ? rest.join("=") : undefined;
  const upper = id.toUpperCase();
  const byId = type.fields.find((candidate) => candidate.id === upper);
  if (byId) return { field: byId, parameter };
  const path = id.replace(/\./g, "/").toLowerCase();
  const mapped = type.xmlPaths[path];
  const byPath = mapped ? type.fields.find((candidate) => candidate.id === mapped) : undefined;
  return byPath ? { field: byPath, parameter } : undefined;
}
