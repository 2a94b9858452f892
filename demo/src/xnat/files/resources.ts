/**
 * The files the demo ConnectomeDB holds: resources (XNAT's file catalogs) of the 3T sessions'
 * scans, of the sessions, subjects and projects, each with small real-format files (DICOM
 * slices, NIfTI-1 volumes, text). Generated on first use per owner and kept, so starting the
 * demo costs nothing and every request sees the same bytes.
 */
import { createHash } from "node:crypto";
import { toNifti } from "../../s3/nifti.js";
import type { ExperimentRecord, ProjectRecord, ScanRecord, SubjectRecord } from "../model.js";
import { randomFrom } from "../prng.js";
import { toDicom } from "./dicom.js";

/** One file of a resource. */
export interface FileRecord {
  /** Path inside the resource (may contain `/`). */
  path: string;
  /** Base name. */
  name: string;
  size: number;
  /** MD5 as lower-case hex (XNAT's `digest`). */
  md5: string;
  format: string;
  content: string;
  tags: string;
  data: Buffer;
}

/** One resource (an `xnat:resourceCatalog`). */
export interface ResourceRecord {
  /** Site-wide `xnat_abstractresource_id`. */
  id: number;
  label: string;
  format: string;
  content: string;
  tags: string;
  /** `scans` for scan resources, `resources` for the others (XNAT's `category`). */
  category: "scans" | "resources";
  /** The scan ID for scan resources, else "" (XNAT's `cat_id`). */
  catId: string;
  files: FileRecord[];
}

/** DICOM slices per scan type; the structural scan has enough to make a zip worth it. */
const DICOM_SLICES: Readonly<Record<string, number>> = { Localizer: 3, T1w_MPR1: 24, T2w_SPC1: 8 };
const DEFAULT_SLICES = 4;
const MATRIX = 16;
const NIFTI_DIMS: readonly number[] = [16, 16, 8];
const NIFTI_FRAMES = 4;

const cache = new Map<string, ResourceRecord[]>();

function memo(key: string, build: () => ResourceRecord[]): ResourceRecord[] {
  let resources = cache.get(key);
  if (!resources) {
    resources = build();
    cache.set(key, resources);
  }
  return resources;
}

function file(path: string, data: Buffer, format: string, content: string, tags = ""): FileRecord {
  return { path, name: path.split("/").pop() ?? path, size: data.length, md5: createHash("md5").update(data).digest("hex"), format, content, tags, data };
}

const numberOf = (id: string) => Number(id.replace(/\D/g, "")) || 0;

/** The resources of one scan of a 3T session: `DICOM` (slices) and `NIFTI` (the volume). */
export function scanResources(experiment: ExperimentRecord, scan: ScanRecord): ResourceRecord[] {
  return memo(`${experiment.id}/scans/${scan.id}`, () => {
    const random = randomFrom(numberOf(experiment.id), "scan-files", scan.id);
    const base = numberOf(experiment.id) * 100 + Number(scan.id) * 4;
    const slices = DICOM_SLICES[scan.type] ?? DEFAULT_SLICES;
    const uidRoot = `1.3.12.2.1107.5.2.43.${numberOf(experiment.id)}`;
    const level = random.int(400, 900);
    const dicom = Array.from({ length: slices }, (_, index) =>
      file(
        `${experiment.label}.MR.${scan.type}.${scan.id}.${String(index + 1).padStart(4, "0")}.dcm`,
        toDicom({
          patientId: experiment.label.replace(/_3T$/, ""),
          studyDate: experiment.date,
          seriesDescription: scan.seriesDescription,
          seriesNumber: Number(scan.id),
          instanceNumber: index + 1,
          rows: MATRIX,
          columns: MATRIX,
          uidRoot,
          pixel: (r, c) => level * Math.exp(-((r - MATRIX / 2) ** 2 + (c - MATRIX / 2) ** 2) / (2 * (3 + index) ** 2)),
        }),
        "DICOM",
        "RAW",
      ),
    );
    const functional = scan.frames > 256;
    const nifti = file(
      `${experiment.label}_${scan.type}.nii`,
      toNifti({
        dims: functional ? [...NIFTI_DIMS, NIFTI_FRAMES] : NIFTI_DIMS,
        pixdim: functional ? [2, 2, 2, 0.72] : [0.7, 0.7, 0.7],
        type: "int16",
        description: `${experiment.label} ${scan.type}`,
        value: (x, y, z, t) => level + 40 * Math.sin((x + y + z) / 3 + t) + random.int(0, 9),
      }),
      "NIFTI",
      functional ? "BOLD" : "ANAT",
    );
    return [
      { id: base + 1, label: "DICOM", format: "DICOM", content: "RAW", tags: "", category: "scans", catId: scan.id, files: dicom },
      { id: base + 2, label: "NIFTI", format: "NIFTI", content: functional ? "BOLD" : "ANAT", tags: "", category: "scans", catId: scan.id, files: [nifti] },
    ];
  });
}

/** The session-level resources of a 3T session: `NOTES` (text, one file in a subfolder). */
export function experimentResources(experiment: ExperimentRecord): ResourceRecord[] {
  if (experiment.xsiType !== "xnat:mrSessionData" || !experiment.mr) return [];
  return memo(`${experiment.id}/resources`, () => {
    const random = randomFrom(numberOf(experiment.id), "session-files");
    const scans = experiment.mr!.scans;
    const notes = [`Session ${experiment.label} (${experiment.id})`, `Scanner: ${experiment.mr!.scanner} ${experiment.mr!.fieldStrength} T`, `Date: ${experiment.date}`, "", ...scans.map((scan) => `${scan.id.padStart(2)}  ${scan.type.padEnd(16)} ${String(scan.frames).padStart(5)} frames  ${scan.quality}`)];
    const physio = Array.from({ length: 200 }, (_, i) => `${(i * 0.02).toFixed(2)}\t${random.int(1800, 2300)}\t${random.int(0, 4095)}`);
    return [
      textResource(numberOf(experiment.id) * 100 + 99, "NOTES", "NOTES", [
        file("session_notes.txt", Buffer.from(`${notes.join("\n")}\n`), "TXT", "NOTES"),
        file("physio/tfMRI_MOTOR_LR_Physio_log.txt", Buffer.from(`${physio.join("\n")}\n`), "TXT", "PHYSIO", "physio"),
      ]),
    ];
  });
}

/** A resource of text files (`format` TXT) that is not a scan's. */
function textResource(id: number, label: string, content: string, files: FileRecord[]): ResourceRecord {
  return { id, label, format: "TXT", content, tags: "", category: "resources", catId: "", files };
}

/** A subject's resources: `NOTES` with a short text file. */
export function subjectResources(subject: SubjectRecord): ResourceRecord[] {
  return memo(`${subject.id}/resources`, () => [
    textResource(5_000_000 + numberOf(subject.id) * 10 + 1, "NOTES", "NOTES", [
      file("subject_notes.txt", Buffer.from(`Subject ${subject.label} (${subject.id}), ${subject.gender}, ${subject.handedness}-handed, group ${subject.group}\n`), "TXT", "NOTES"),
    ]),
  ]);
}

/** A project's resources: `DOCS` with a README and release notes in a subfolder. */
export function projectResources(project: ProjectRecord, index: number): ResourceRecord[] {
  return memo(`${project.id}/resources`, () => [
    textResource(9_000_000 + index * 10 + 1, "DOCS", "DOCUMENTATION", [
      file("README.txt", Buffer.from(`${project.name}\n\n${project.description}\n`), "TXT", "README"),
      file("release/release_notes.txt", Buffer.from(`${project.id} release notes\nInserted ${project.insertDate}\n`), "TXT", "RELEASE_NOTES"),
    ]),
  ]);
}
