import { createHash } from "node:crypto";
import { gaussian, seededRandom } from "../prng.js";
import { Q1_LABELS, Q1_NOT_ON_S3 } from "../hcp-q1.js";
import { toNiftiGz } from "./nifti.js";
import { motorRunFiles, RunContents, RunFile } from "./motor-task.js";

/** One object of a demo bucket. */
export interface DemoObject {
  key: string;
  body: Buffer;
  lastModified: Date;
}

/** A demo bucket and everything in it. */
export interface DemoBucket {
  name: string;
  objects: DemoObject[];
}

/** The 2013 Q1 bucket name and root, as in the hackathon instructions. */
export const Q1_BUCKET = "hcp.aws.amazon.com";
export const Q1_ROOT = "q1/";
/** Today's bucket and its release root. */
export const HCP1200_BUCKET = "hcp-openaccess";
export const HCP1200_ROOT = "HCP_1200/";

/** The 71 subjects that have a `q1/<subject>/` prefix. */
export const Q1_S3_SUBJECTS = Q1_LABELS.filter((label) => !Q1_NOT_ON_S3.includes(label)).sort();
/** The subjects mirrored in the demo's `HCP_1200/` layout. */
export const HCP1200_SUBJECTS = ["100307", "103515", "103818"];

const Q1_DATE = Date.UTC(2013, 3, 17, 14, 2, 11);
const HCP1200_DATE = Date.UTC(2017, 2, 1, 9, 30, 0);

interface PackagedFile {
  /** Path relative to the subject folder. */
  path: string;
  body: Buffer;
  /** The download package (manifest) that lists it. */
  packageName: string;
}

/** The Q1 bucket: the zero-byte `q1/` key, then 71 subjects with manifests. */
export function q1Bucket(): DemoBucket {
  const objects: DemoObject[] = [{ key: Q1_ROOT, body: Buffer.alloc(0), lastModified: new Date(Q1_DATE) }];
  for (const subject of Q1_S3_SUBJECTS) objects.push(...subjectObjects(Q1_ROOT, subject, q1SubjectFiles(subject), Q1_DATE, "1.0.20130214"));
  return { name: Q1_BUCKET, objects: sortByKey(objects) };
}

/** Today's `hcp-openaccess` layout (`HCP_1200/<subject>/...`) for a few subjects. */
export function hcp1200Bucket(): DemoBucket {
  const objects: DemoObject[] = [];
  for (const subject of HCP1200_SUBJECTS) objects.push(...subjectObjects(HCP1200_ROOT, subject, hcp1200SubjectFiles(subject), HCP1200_DATE, "1.0.20170301"));
  return { name: HCP1200_BUCKET, objects: sortByKey(objects) };
}

function subjectObjects(root: string, subject: string, files: PackagedFile[], baseDate: number, version: string): DemoObject[] {
  const random = seededRandom(`${root}${subject}/dates`);
  const at = () => new Date(baseDate + Math.floor(random() * 3600) * 1000);
  const objects: DemoObject[] = files.map((file) => ({ key: `${root}${subject}/${file.path}`, body: file.body, lastModified: at() }));
  const packages = [...new Set(files.map((file) => file.packageName))].sort();
  for (const packageName of packages) {
    const includes = files
      .filter((file) => file.packageName === packageName)
      .map((file) => ({
        Name: file.path.split("/").pop()!,
        URI: `${subject}/${file.path}`,
        Size: String(file.body.length),
        Checksum: createHash("md5").update(file.body).digest("hex"),
      }));
    const manifest = { DownloadManifest: { Subject: subject, Version: version, Includes: includes } };
    objects.push({ key: `${root}${subject}/.xdlm/${subject}_3T_${packageName}.json`, body: Buffer.from(`${JSON.stringify(manifest)}\n`), lastModified: at() });
  }
  return objects;
}

function q1SubjectFiles(subject: string): PackagedFile[] {
  const files: PackagedFile[] = [
    ...structuralPreproc(subject),
    ...structuralUnproc(subject),
    ...packaged("Diffusion_preproc", diffusionTables(subject, "Diffusion")),
    { path: "Diffusion/nodif_brain_mask.nii.gz", body: mask(`${subject}/dwi-mask`), packageName: "Diffusion_preproc" },
    ...packaged("Diffusion_unproc", diffusionTables(subject, `unprocessed/3T/Diffusion`, `${subject}_3T_DWI_dir95_LR`)),
  ];
  files.push(...motorPackage(subject));
  return files;
}

function hcp1200SubjectFiles(subject: string): PackagedFile[] {
  return [
    ...structuralPreproc(subject),
    ...structuralUnproc(subject),
    ...packaged("Diffusion_preproc", diffusionTables(subject, "T1w/Diffusion")),
    { path: "T1w/Diffusion/nodif_brain_mask.nii.gz", body: mask(`${subject}/dwi-mask`), packageName: "Diffusion_preproc" },
    ...packaged("Diffusion_unproc", diffusionTables(subject, `unprocessed/3T/Diffusion`, `${subject}_3T_DWI_dir95_LR`)),
    ...motorPackage(subject),
  ];
}

/** The subject whose MOTOR_LR run carries every file of the real run (the tutorial's download). */
const FULL_RUN_SUBJECT = "100307";

/**
 * The MOTOR package, both runs (LR and RL), as in HCP's `<subject>_3T_tfMRI_MOTOR_preproc`. To keep
 * the demo small (every object is a file written at each start), only 100307's LR run carries every
 * file; the other runs carry their `Movement_Regressors.txt`, enough for a cohort's head-motion analysis.
 */
function motorPackage(subject: string): PackagedFile[] {
  return (["LR", "RL"] as const).flatMap((direction) => {
    const contents: RunContents = subject === FULL_RUN_SUBJECT && direction === "LR" ? "full" : "motion";
    const folder = `MNINonLinear/Results/tfMRI_MOTOR_${direction}`;
    return motorRunFiles(subject, direction, contents).map((file: RunFile) => ({ path: `${folder}/${file.path}`, body: file.body, packageName: "tfMRI_MOTOR_preproc" }));
  });
}

function structuralPreproc(subject: string): PackagedFile[] {
  const volume = (path: string, base: number) => ({ path, body: anatomy(`${subject}/${path}`, base), packageName: "Structural_preproc" });
  return [
    volume("T1w/T1w_acpc_dc_restore.nii.gz", 700),
    volume("T1w/T2w_acpc_dc_restore.nii.gz", 500),
    volume("T1w/BiasField_acpc_dc.nii.gz", 100),
    { path: "T1w/brainmask_fs.nii.gz", body: mask(`${subject}/T1w/brainmask`), packageName: "Structural_preproc" },
    volume("MNINonLinear/T1w_restore.nii.gz", 700),
    { path: "MNINonLinear/brainmask_fs.nii.gz", body: mask(`${subject}/MNI/brainmask`), packageName: "Structural_preproc" },
    { path: "release-notes/Structural_preproc.txt", body: releaseNotes(subject, "Structural_preproc"), packageName: "Structural_preproc" },
  ];
}

function structuralUnproc(subject: string): PackagedFile[] {
  return [
    { path: `unprocessed/3T/T1w_MPR1/${subject}_3T_T1w_MPR1.nii.gz`, body: anatomy(`${subject}/MPR1`, 650), packageName: "Structural_unproc" },
    { path: `unprocessed/3T/T2w_SPC1/${subject}_3T_T2w_SPC1.nii.gz`, body: anatomy(`${subject}/SPC1`, 480), packageName: "Structural_unproc" },
    { path: "release-notes/Structural_unproc.txt", body: releaseNotes(subject, "Structural_unproc"), packageName: "Structural_unproc" },
  ];
}

function packaged(packageName: string, files: RunFile[]): PackagedFile[] {
  return files.map((file) => ({ ...file, packageName }));
}

const SHELLS = [1000, 2000, 3000];

function diffusionTables(subject: string, folder: string, stem?: string): RunFile[] {
  const random = seededRandom(`${subject}/${folder}/gradients`);
  const directions = 18;
  const bvals = Array.from({ length: directions }, (_, i) => (i % 6 === 0 ? 5 : SHELLS[i % 3]));
  const vectors = bvals.map((b) => {
    if (b === 5) return [0, 0, 0];
    const v = [gaussian(random), gaussian(random), gaussian(random)];
    const norm = Math.hypot(v[0], v[1], v[2]);
    return v.map((c) => c / norm);
  });
  const bvecs = [0, 1, 2].map((axis) => vectors.map((v) => v[axis].toFixed(6)).join(" ")).join("\n");
  const name = (ext: string) => (stem ? `${folder}/${stem}.${ext}` : `${folder}/${ext}s`);
  return [
    { path: name("bval"), body: Buffer.from(`${bvals.join(" ")}\n`) },
    { path: name("bvec"), body: Buffer.from(`${bvecs}\n`) },
  ];
}

function anatomy(seed: string, base: number): Buffer {
  const random = seededRandom(seed);
  return toNiftiGz({
    dims: [6, 7, 6],
    pixdim: [0.7, 0.7, 0.7],
    type: "int16",
    value: (x, y, z) => {
      const inside = ((x - 2.5) / 3) ** 2 + ((y - 3) / 3.5) ** 2 + ((z - 2.5) / 3) ** 2 <= 1;
      return inside ? base + gaussian(random) * base * 0.05 : Math.abs(gaussian(random) * 5);
    },
  });
}

function mask(seed: string): Buffer {
  const random = seededRandom(seed);
  return toNiftiGz({ dims: [6, 7, 6], pixdim: [0.7, 0.7, 0.7], type: "uint8", value: (x, y, z) => (((x - 2.5) / 3) ** 2 + ((y - 3) / 3.5) ** 2 + ((z - 2.5) / 3) ** 2 <= 1 - random() * 0.1 ? 1 : 0) });
}

function releaseNotes(subject: string, packageName: string): Buffer {
  return Buffer.from(
    [
      `Subject: ${subject}`,
      `Package: ${subject}_3T_${packageName}`,
      "Release: neuroportal demo (synthetic data shaped like the HCP Q1 release)",
      "Files in this package are listed with their MD5 checksums in the subject's .xdlm manifest.",
      "",
    ].join("\n"),
  );
}

function sortByKey(objects: DemoObject[]): DemoObject[] {
  return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}
