import { createCipheriv, createHash } from "node:crypto";
import type { DemoBucket, DemoObject } from "../../demo/src/s3/index.js";

/** The release root of the benchmark bucket, as in today's `hcp-openaccess`. */
export const COHORT_ROOT = "HCP_1200/";

/** What the benchmark bucket holds: manifests for `subjects` subjects, and the MOTOR files of the first `withData` of them. */
export interface CohortBucketSpec {
  name: string;
  subjects: number;
  withData: number;
}

/** One file a manifest lists: its path inside the subject folder and its size. */
interface PackageFile {
  path: string;
  size: number;
}

const MOTOR_RUN_FILES: readonly PackageFile[] = [
  { path: "Movement_Regressors.txt", size: 37_488 },
  { path: "Movement_Regressors_dt.txt", size: 37_488 },
  { path: "Movement_AbsoluteRMS.txt", size: 2_556 },
  { path: "Movement_AbsoluteRMS_mean.txt", size: 8 },
  { path: "Movement_RelativeRMS.txt", size: 2_556 },
  { path: "Movement_RelativeRMS_mean.txt", size: 8 },
  { path: "EVs/cue.txt", size: 133 },
  { path: "EVs/lf.txt", size: 29 },
  { path: "EVs/lh.txt", size: 29 },
  { path: "EVs/rf.txt", size: 29 },
  { path: "EVs/rh.txt", size: 29 },
  { path: "EVs/t.txt", size: 29 },
  { path: "EVs/Sync.txt", size: 6 },
  { path: "PHYSIO", size: 981_504 },
];
/** Listed in the MOTOR manifest but not stored (volumes and surfaces: the plan never selects them). */
const MOTOR_RUN_LISTED_ONLY: readonly PackageFile[] = [
  { path: "RUN.nii.gz", size: 262_000_000 },
  { path: "RUN_SBRef.nii.gz", size: 1_200_000 },
  { path: "RUN_Atlas.dtseries.nii", size: 104_300_000 },
  { path: "RUN_Atlas_MSMAll.dtseries.nii", size: 104_300_000 },
  { path: "RUN.L.native.func.gii", size: 87_000_000 },
  { path: "RUN.R.native.func.gii", size: 86_000_000 },
];

/** The benchmark cohort's patterns: both MOTOR runs' regressors and physiological logs (4 files a subject). */
export const COHORT_INCLUDES = ["MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt", "MNINonLinear/Results/tfMRI_MOTOR_*/tfMRI_MOTOR_*_Physio_log.txt"];

/** `count` distinct six-digit labels, the same on every run (an HCP-like spread, not consecutive). */
export function cohortLabels(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(100000 + ((i * 7919) % 900000))).sort();
}

/**
 * An HCP_1200-shaped bucket for the cohort benchmarks. Every subject has three `.xdlm`
 * manifests (Structural_preproc with 150 files, tfMRI_MOTOR_preproc with both runs' 40 files,
 * rfMRI_REST1_preproc with 40), so planning reads realistic manifests; the first `withData`
 * subjects also hold the MOTOR runs' small files (the other 20 of 24 per subject are there for
 * the include patterns to leave out), with deterministic incompressible bytes.
 */
export function cohortBucket(spec: CohortBucketSpec): DemoBucket {
  const when = new Date(Date.UTC(2017, 2, 1, 9, 30));
  const objects: DemoObject[] = [];
  cohortLabels(spec.subjects).forEach((subject, index) => {
    const stored = index < spec.withData;
    const packages: Record<string, { uri: string; size: number; md5: string }[]> = { Structural_preproc: [], tfMRI_MOTOR_preproc: [], rfMRI_REST1_preproc: [] };
    for (const run of ["tfMRI_MOTOR_LR", "tfMRI_MOTOR_RL"]) {
      for (const file of [...MOTOR_RUN_FILES, ...MOTOR_RUN_LISTED_ONLY]) {
        const name = file.path === "PHYSIO" ? `${run}_Physio_log.txt` : file.path.replace("RUN", run);
        const uri = `${subject}/MNINonLinear/Results/${run}/${name}`;
        const keep = stored && MOTOR_RUN_FILES.includes(file);
        const body = keep ? bytesFor(uri, file.size) : undefined;
        packages.tfMRI_MOTOR_preproc.push({ uri, size: file.size, md5: body ? md5(body) : md5(Buffer.from(uri)) });
        if (body) objects.push({ key: `${COHORT_ROOT}${uri}`, body, lastModified: when });
      }
    }
    for (let i = 0; i < 150; i++) packages.Structural_preproc.push({ uri: `${subject}/${i < 75 ? "T1w" : "MNINonLinear"}/structural_${String(i).padStart(3, "0")}.nii.gz`, size: 1_000_000 + i * 1_000, md5: md5(Buffer.from(`${subject}/s/${i}`)) });
    for (const run of ["rfMRI_REST1_LR", "rfMRI_REST1_RL"]) {
      for (let i = 0; i < 20; i++) packages.rfMRI_REST1_preproc.push({ uri: `${subject}/MNINonLinear/Results/${run}/${run}_part${i}.txt`, size: 4_000 + i, md5: md5(Buffer.from(`${subject}/${run}/${i}`)) });
    }
    for (const [name, files] of Object.entries(packages)) {
      const manifest = { DownloadManifest: { Subject: subject, Version: "1.0.20170301", Includes: files.map((f) => ({ Name: f.uri.split("/").pop(), URI: f.uri, Size: String(f.size), Checksum: f.md5 })) } };
      objects.push({ key: `${COHORT_ROOT}${subject}/.xdlm/${subject}_3T_${name}.json`, body: Buffer.from(`${JSON.stringify(manifest)}\n`), lastModified: when });
    }
  });
  return { name: spec.name, objects: objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))) };
}

const md5 = (body: Buffer) => createHash("md5").update(body).digest("hex");

/** Deterministic incompressible bytes for a key (AES-128-CTR over zeros, the key's hash as IV). */
function bytesFor(key: string, size: number): Buffer {
  const iv = createHash("md5").update(key).digest();
  return createCipheriv("aes-128-ctr", Buffer.from("neuroportal-coho"), iv).update(Buffer.alloc(size));
}
