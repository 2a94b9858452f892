/** Item documents: experiment, subject and project XML (namespaces, sharing, scores) and item JSON. */
import { SCORE_GROUPS } from "./instruments.js";
import type { ExperimentRecord, ProjectRecord, ScanRecord, Share, SubjectRecord } from "./model.js";
import { escapeXml } from "./table.js";
import { formatScore, javaDouble } from "./values.js";

/** Every schema prefix the demo server has registered, in the order ConnectomeDB writes them. */
export const NAMESPACES: ReadonlyArray<readonly [prefix: string, uri: string, schema: string]> = [
  ["arc", "http://nrg.wustl.edu/arc", "project/project.xsd"],
  ["val", "http://nrg.wustl.edu/val", "validation/protocolValidation.xsd"],
  ["pipe", "http://nrg.wustl.edu/pipe", "pipeline/repository.xsd"],
  ["hcp", "http://nrg.wustl.edu/hcp", "hcp/hcp.xsd"],
  ["wrk", "http://nrg.wustl.edu/workflow", "pipeline/workflow.xsd"],
  ["scr", "http://nrg.wustl.edu/scr", "screening/screeningAssessment.xsd"],
  ["xdat", "http://nrg.wustl.edu/security", "security/security.xsd"],
  ["nt", "http://nrg.wustl.edu/nt", "nt/nontoolbox.xsd"],
  ["cat", "http://nrg.wustl.edu/catalog", "catalog/catalog.xsd"],
  ["prov", "http://www.nbirn.net/prov", "birn/birnprov.xsd"],
  ["xnat", "http://nrg.wustl.edu/xnat", "xnat/xnat.xsd"],
  ["xnat_a", "http://nrg.wustl.edu/xnat_assessments", "assessments/assessments.xsd"],
];

const XSI = "http://www.w3.org/2001/XMLSchema-instance";

/** Root element names of the item types. */
const ROOTS: Record<string, string> = {
  "nt:scores": "nt:NTScores",
  "xnat:mrSessionData": "xnat:MRSession",
  "hcp:subjectMetaData": "hcp:SubjectMetaData",
};

function rootOpen(element: string, attributes: Array<[string, string]>, siteUrl: string): string {
  const base = siteUrl.replace(/\/+$/, "");
  const attrs = attributes.map(([key, value]) => ` ${key}="${escapeXml(value)}"`).join("");
  const xmlns = NAMESPACES.map(([prefix, uri]) => ` xmlns:${prefix}="${uri}"`).join("");
  const location = NAMESPACES.map(([, uri, schema]) => `${uri} ${base}/schemas/${schema}`).join(" ");
  return `<${element}${attrs}${xmlns} xmlns:xsi="${XSI}" xsi:schemaLocation="${escapeXml(location)}">`;
}

const text = (indent: number, name: string, value: string) => `${"\t".repeat(indent)}<${name}>${escapeXml(value)}</${name}>`;

function sharing(shares: Share[], extra: (share: Share) => string = () => ""): string[] {
  if (shares.length === 0) return [];
  return [
    "\t<xnat:sharing>",
    ...shares.map((share) => `\t\t<xnat:share label="${escapeXml(share.label)}" project="${escapeXml(share.project)}"${extra(share)}/>`),
    "\t</xnat:sharing>",
  ];
}

/** The experiment's XML document (`?format=xml`): root attributes, namespaces, sharing, subject ID, content. */
export function experimentXml(experiment: ExperimentRecord, siteUrl: string): string {
  const root = ROOTS[experiment.xsiType];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    rootOpen(root, [["ID", experiment.id], ["project", experiment.project], ["label", experiment.label]], siteUrl),
    ...sharing(experiment.shares),
  ];
  if (experiment.date) lines.push(text(1, "xnat:date", experiment.date));
  lines.push(text(1, "xnat:subject_ID", experiment.subjectId));
  if (experiment.mr) {
    lines.push(text(1, "xnat:scanner", experiment.mr.scanner));
    lines.push(text(1, "xnat:modality", "MR"));
    lines.push("\t<xnat:scans>");
    for (const scan of experiment.mr.scans) {
      lines.push(`\t\t<xnat:scan ID="${escapeXml(scan.id)}" type="${escapeXml(scan.type)}" xsi:type="xnat:mrScanData">`);
      lines.push(text(3, "xnat:quality", scan.quality));
      lines.push(text(3, "xnat:series_description", scan.seriesDescription));
      lines.push(text(3, "xnat:frames", String(scan.frames)));
      lines.push("\t\t</xnat:scan>");
    }
    lines.push("\t</xnat:scans>");
    lines.push(text(1, "xnat:fieldStrength", javaDouble(experiment.mr.fieldStrength)));
  }
  if (experiment.meta) {
    for (const [name, value] of experiment.meta) lines.push(text(1, `hcp:${name}`, String(value)));
  }
  if (experiment.scores) {
    for (const group of SCORE_GROUPS) {
      const values = experiment.scores[group.name];
      if (!values) continue;
      const present = group.fields.filter((field) => values[field.name] !== undefined);
      if (present.length === 0) continue;
      lines.push(`\t<nt:${group.name}>`);
      for (const field of present) lines.push(text(2, `nt:${field.name}`, formatScore(values[field.name], field.type)));
      lines.push(`\t</nt:${group.name}>`);
    }
  }
  lines.push(`</${root}>`);
  return `${lines.join("\n")}\n`;
}

/** One scan's XML document (`xnat:MRScan`). */
export function scanXml(experiment: ExperimentRecord, scan: ScanRecord, siteUrl: string): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    rootOpen("xnat:MRScan", [["ID", scan.id], ["type", scan.type]], siteUrl),
    text(1, "xnat:image_session_ID", experiment.id),
    text(1, "xnat:quality", scan.quality),
    text(1, "xnat:series_description", scan.seriesDescription),
    text(1, "xnat:frames", String(scan.frames)),
    "</xnat:MRScan>",
  ];
  return `${lines.join("\n")}\n`;
}

/** Item JSON of a scan. */
export function scanJson(experiment: ExperimentRecord, scan: ScanRecord): string {
  const item: ItemJson = {
    meta: { "xsi:type": "xnat:mrScanData", isHistory: false },
    data_fields: { ID: scan.id, type: scan.type, image_session_ID: experiment.id, quality: scan.quality, series_description: scan.seriesDescription, frames: scan.frames },
    children: [],
  };
  return JSON.stringify({ items: [item] });
}

/** The subject's XML document (`xnat:Subject`). */
export function subjectXml(subject: SubjectRecord, siteUrl: string): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    rootOpen("xnat:Subject", [["ID", subject.id], ["project", subject.project], ["group", subject.group], ["label", subject.label]], siteUrl),
    ...sharing(subject.shares, () => ` subject_ID="${escapeXml(subject.id)}"`),
    "\t<xnat:demographics xsi:type=\"xnat:demographicData\">",
    text(2, "xnat:age", String(subject.age)),
    text(2, "xnat:gender", subject.gender),
    text(2, "xnat:handedness", subject.handedness),
    "\t</xnat:demographics>",
    "</xnat:Subject>",
  ];
  return `${lines.join("\n")}\n`;
}

/** The project's XML document (`xnat:Project`). */
export function projectXml(project: ProjectRecord, siteUrl: string): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    rootOpen("xnat:Project", [["ID", project.id], ["secondary_ID", project.secondaryId]], siteUrl),
    text(1, "xnat:name", project.name),
    text(1, "xnat:description", project.description),
    text(1, "xnat:keywords", project.keywords),
    `\t<xnat:PI>`,
    text(2, "xnat:firstname", project.piFirstname),
    text(2, "xnat:lastname", project.piLastname),
    `\t</xnat:PI>`,
    "</xnat:Project>",
  ];
  return `${lines.join("\n")}\n`;
}

type JsonValue = string | number | boolean;

interface ItemJson {
  meta: Record<string, JsonValue>;
  data_fields: Record<string, JsonValue>;
  children: Array<{ field: string; items: ItemJson[] }>;
}

function shareItems(shares: Share[], type: string): Array<{ field: string; items: ItemJson[] }> {
  if (shares.length === 0) return [];
  return [
    {
      field: "sharing/share",
      items: shares.map((share) => ({
        meta: { "xsi:type": type, isHistory: false },
        data_fields: { label: share.label, project: share.project },
        children: [],
      })),
    },
  ];
}

/** Item JSON (`?format=json`): `{"items": [{meta, data_fields, children}]}` with native number types. */
export function experimentJson(experiment: ExperimentRecord): string {
  const fields: Record<string, JsonValue> = {
    ID: experiment.id,
    project: experiment.project,
    label: experiment.label,
    subject_ID: experiment.subjectId,
  };
  if (experiment.date) fields.date = experiment.date;
  if (experiment.mr) {
    fields.scanner = experiment.mr.scanner;
    fields.fieldStrength = experiment.mr.fieldStrength;
  }
  for (const [name, value] of experiment.meta ?? []) fields[name] = value;
  for (const group of SCORE_GROUPS) {
    const values = experiment.scores?.[group.name];
    for (const field of group.fields) {
      if (values?.[field.name] !== undefined) fields[`${group.name}/${field.name}`] = values[field.name];
    }
  }
  const item: ItemJson = {
    meta: { "xsi:type": experiment.xsiType, isHistory: false },
    data_fields: fields,
    children: shareItems(experiment.shares, "xnat:experimentData_share"),
  };
  return JSON.stringify({ items: [item] });
}

/** Item JSON of a subject. */
export function subjectJson(subject: SubjectRecord): string {
  const item: ItemJson = {
    meta: { "xsi:type": "xnat:subjectData", isHistory: false },
    data_fields: { ID: subject.id, project: subject.project, label: subject.label, group: subject.group, "demographics/age": subject.age, "demographics/gender": subject.gender, "demographics/handedness": subject.handedness },
    children: shareItems(subject.shares, "xnat:projectParticipant"),
  };
  return JSON.stringify({ items: [item] });
}

/** Item JSON of a project. */
export function projectJson(project: ProjectRecord): string {
  const item: ItemJson = {
    meta: { "xsi:type": "xnat:projectData", isHistory: false },
    data_fields: { ID: project.id, secondary_ID: project.secondaryId, name: project.name, description: project.description, keywords: project.keywords, "PI/firstname": project.piFirstname, "PI/lastname": project.piLastname },
    children: [],
  };
  return JSON.stringify({ items: [item] });
}
