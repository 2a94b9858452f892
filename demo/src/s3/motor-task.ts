import { gaussian, seededRandom } from "../prng.js";
import { toNiftiGz } from "./nifti.js";
import { toDtseries, toFuncGifti, DEMO_VERTICES } from "./surface.js";

/** A file inside a run folder: its path relative to the folder and its bytes. */
export interface RunFile {
  path: string;
  body: Buffer;
}

/** MOTOR runs have 284 frames at TR 0.72 s (HCP 3T protocol). */
export const MOTOR_FRAMES = 284;
export const MOTOR_TR = 0.72;

type Movement = "lf" | "lh" | "rf" | "rh" | "t";
interface Block {
  kind: Movement | "fixation";
  onset: number;
  duration: number;
}

const CUE_SECONDS = 3;
const MOVE_SECONDS = 12;
const FIXATION_SECONDS = 15;
const FIRST_ONSET = 8.0;
const ORDERS: Record<"LR" | "RL", (Movement | "fixation")[]> = {
  LR: ["rf", "lh", "t", "fixation", "rh", "lf", "t", "fixation", "lh", "rf", "lf", "fixation", "rh"],
  RL: ["lh", "rf", "t", "fixation", "lf", "rh", "lh", "fixation", "t", "rf", "rh", "fixation", "lf"],
};

/** The block schedule of a run: cue (3 s) then movement (12 s), with three 15 s fixations. */
export function motorBlocks(direction: "LR" | "RL"): { cues: Block[]; blocks: Block[] } {
  const cues: Block[] = [];
  const blocks: Block[] = [];
  let time = FIRST_ONSET;
  for (const kind of ORDERS[direction]) {
    if (kind === "fixation") {
      blocks.push({ kind, onset: time, duration: FIXATION_SECONDS });
      time += FIXATION_SECONDS;
      continue;
    }
    cues.push({ kind, onset: time, duration: CUE_SECONDS });
    blocks.push({ kind, onset: time + CUE_SECONDS, duration: MOVE_SECONDS });
    time += CUE_SECONDS + MOVE_SECONDS;
  }
  return { cues, blocks };
}

/**
 * What a run folder holds: `full`, every file of the HCP run; `motion`, only its head-motion
 * estimates `Movement_Regressors.txt`, with the same bytes as in `full`.
 */
export type RunContents = "full" | "motion";

/** The files of `<subject>`'s `MNINonLinear/Results/tfMRI_MOTOR_<direction>/` folder, sorted by path. */
export function motorRunFiles(subject: string, direction: "LR" | "RL" = "LR", contents: RunContents = "full"): RunFile[] {
  const run = `tfMRI_MOTOR_${direction}`;
  const seed = `${subject}/${run}`;
  const { cues, blocks } = motorBlocks(direction);
  const motion = headMotion(seed, blocks, motionScale(subject));
  const text = (path: string, content: string): RunFile => ({ path, body: Buffer.from(content, "utf8") });
  const ev = (rows: Block[]) => rows.map((b) => `${b.onset.toFixed(3)}\t${b.duration.toFixed(1)}\t1\n`).join("");
  const motionFiles = (): RunFile[] => [
    text("Movement_Regressors.txt", formatRegressors(motion.regressors)),
    text("Movement_Regressors_dt.txt", formatRegressors(detrend(motion.regressors))),
    text("Movement_AbsoluteRMS.txt", motion.absolute.map((v) => `${v.toFixed(6)}\n`).join("")),
    text("Movement_AbsoluteRMS_mean.txt", `${mean(motion.absolute).toFixed(5)}\n`),
    text("Movement_RelativeRMS.txt", motion.relative.map((v) => `${v.toFixed(6)}\n`).join("")),
    text("Movement_RelativeRMS_mean.txt", `${mean(motion.relative).toFixed(5)}\n`),
  ];
  if (contents === "motion") return motionFiles().filter((file) => file.path === "Movement_Regressors.txt");
  const files: RunFile[] = [
    { path: `${run}.nii.gz`, body: boldVolume(seed, blocks) },
    { path: `${run}_SBRef.nii.gz`, body: referenceVolume(seed) },
    { path: `${run}_Jacobian.nii.gz`, body: jacobianVolume(seed) },
    { path: "RibbonVolumeToSurfaceMapping/goodvoxels.nii.gz", body: goodVoxels(seed) },
    { path: `${run}_Atlas.dtseries.nii`, body: toDtseries(MOTOR_FRAMES, MOTOR_TR, surfaceSignal(`${seed}/atlas`, blocks, 2 * DEMO_VERTICES)) },
    { path: `${run}_Atlas_MSMAll.dtseries.nii`, body: toDtseries(MOTOR_FRAMES, MOTOR_TR, surfaceSignal(`${seed}/msmall`, blocks, 2 * DEMO_VERTICES)) },
    { path: `${run}.L.native.func.gii`, body: toFuncGifti("L", MOTOR_FRAMES, MOTOR_TR, surfaceSignal(`${seed}/L`, blocks, DEMO_VERTICES)) },
    { path: `${run}.R.native.func.gii`, body: toFuncGifti("R", MOTOR_FRAMES, MOTOR_TR, surfaceSignal(`${seed}/R`, blocks, DEMO_VERTICES)) },
    text("EVs/cue.txt", ev(cues)),
    ...(["lf", "lh", "rf", "rh", "t"] as const).map((kind) => text(`EVs/${kind}.txt`, ev(blocks.filter((b) => b.kind === kind)))),
    text("EVs/Sync.txt", `${(0.005 + seededRandom(`${seed}/sync`)() * 0.01).toFixed(3)}\n`),
    ...motionFiles(),
    text(`${run}_Physio_log.txt`, physioLog(seed)),
    text(`${run}_TAB.txt`, eprimeTable(subject, run, cues, blocks)),
    text(`${run}_hp200_s4_level1.fsf`, featDesign(run)),
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface Motion {
  /** Per frame: 3 translations (mm), 3 rotations (deg), then their 6 backward differences. */
  regressors: number[][];
  absolute: number[];
  relative: number[];
}

const HEAD_RADIUS_MM = 50;

/**
 * How much a subject moves, the same in both runs: log-normal around 1.5 (90% between about 0.8
 * and 2.9), so that mean framewise displacement (Power et al.) spreads over subjects from about
 * 0.05 to 0.2 mm with a median near 0.1 mm, as in HCP's 0.72 s-TR task runs.
 */
export function motionScale(subject: string): number {
  return 1.5 * Math.exp(0.4 * gaussian(seededRandom(`${subject}/motion-scale`)));
}

function headMotion(seed: string, blocks: Block[], amplitude: number): Motion {
  const random = seededRandom(`${seed}/motion`);
  const params = [0, 0, 0, 0, 0, 0];
  const drift = [0.0009, -0.0006, 0.0014, 0.0004, -0.0003, 0.0002];
  const rows: number[][] = [];
  for (let frame = 0; frame < MOTOR_FRAMES; frame++) {
    const time = frame * MOTOR_TR;
    const block = blocks.find((b) => b.kind !== "fixation" && time >= b.onset && time < b.onset + b.duration);
    const jolt = amplitude * (block ? (block.kind === "lf" || block.kind === "rf" ? 0.05 : block.kind === "t" ? 0.025 : 0.012) : 0);
    for (let i = 0; i < 6; i++) {
      const scale = amplitude * (i < 3 ? 0.012 : 0.008);
      params[i] = 0.92 * params[i] + drift[i] + gaussian(random) * scale + (i === 2 || i === 3 ? jolt * (1 + gaussian(random) * 0.3) : jolt * 0.3 * gaussian(random));
    }
    rows.push([...params]);
  }
  const regressors = rows.map((row, frame) => [...row, ...row.map((v, i) => (frame === 0 ? 0 : v - rows[frame - 1][i]))]);
  const displacement = (row: number[]) =>
    Math.sqrt(row.slice(0, 3).reduce((s, v) => s + v * v, 0) + row.slice(3, 6).reduce((s, v) => s + (HEAD_RADIUS_MM * (v * Math.PI) / 180) ** 2, 0));
  const absolute = rows.map(displacement);
  const relative = rows.map((row, frame) => (frame === 0 ? 0 : displacement(row.map((v, i) => v - rows[frame - 1][i]))));
  return { regressors, absolute, relative };
}

function detrend(rows: number[][]): number[][] {
  const n = rows.length;
  const tMean = (n - 1) / 2;
  const tVar = rows.reduce((s, _, t) => s + (t - tMean) ** 2, 0);
  const columns = rows[0].length;
  const fits = Array.from({ length: columns }, (_, c) => {
    const yMean = mean(rows.map((r) => r[c]));
    const slope = rows.reduce((s, r, t) => s + (t - tMean) * (r[c] - yMean), 0) / tVar;
    return { yMean, slope };
  });
  return rows.map((row, t) => row.map((v, c) => v - fits[c].yMean - fits[c].slope * (t - tMean)));
}

/** HCP's MotionCorrection.sh layout: every value as `%10.6f` followed by one space (so each line ends in a space). */
function formatRegressors(rows: number[][]): string {
  return rows.map((row) => `${row.map((v) => `${v.toFixed(6).padStart(10)} `).join("")}\n`).join("");
}

function boldVolume(seed: string, blocks: Block[]): Buffer {
  const random = seededRandom(`${seed}/bold`);
  const dims = [8, 10, 8, MOTOR_FRAMES];
  const active = (x: number, y: number, z: number) => (x - 3) ** 2 + (y - 6) ** 2 + (z - 5) ** 2 <= 3;
  const inBrain = (x: number, y: number, z: number) => ((x - 3.5) / 4) ** 2 + ((y - 4.5) / 5) ** 2 + ((z - 3.5) / 4) ** 2 <= 1;
  return toNiftiGz({
    dims,
    pixdim: [2, 2, 2, MOTOR_TR],
    type: "int16",
    description: "neuroportal demo tfMRI MOTOR (synthetic)",
    value: (x, y, z, t) => {
      if (!inBrain(x, y, z)) return Math.abs(gaussian(random) * 20);
      const time = t * MOTOR_TR;
      const on = blocks.some((b) => b.kind !== "fixation" && time >= b.onset + 4 && time < b.onset + b.duration + 4);
      return 9000 + 600 * Math.sin(x + y * 0.7 + z * 1.3) + (on && active(x, y, z) ? 250 : 0) + gaussian(random) * 80;
    },
  });
}

/** BOLD-like values per (frame, vertex): a baseline per vertex, noise, and a response to the movement blocks in a few vertices. */
function surfaceSignal(seed: string, blocks: Block[], count: number): (frame: number, index: number) => number {
  const random = seededRandom(seed);
  const baseline = Array.from({ length: count }, () => 8000 + random() * 2000);
  const noise = Array.from({ length: MOTOR_FRAMES * count }, () => gaussian(random) * 40);
  return (frame, index) => {
    const time = frame * MOTOR_TR;
    const on = index % 6 === 0 && blocks.some((b) => b.kind !== "fixation" && time >= b.onset + 4 && time < b.onset + b.duration + 4);
    return baseline[index] + (on ? 120 : 0) + noise[frame * count + index];
  };
}

function referenceVolume(seed: string): Buffer {
  const random = seededRandom(`${seed}/sbref`);
  return toNiftiGz({ dims: [8, 10, 8], pixdim: [2, 2, 2], type: "int16", value: (x, y, z) => 1200 + 300 * Math.cos(x * 0.5 + z * 0.4) + y * 10 + gaussian(random) * 25 });
}

function jacobianVolume(seed: string): Buffer {
  const random = seededRandom(`${seed}/jacobian`);
  return toNiftiGz({ dims: [8, 10, 8], pixdim: [2, 2, 2], type: "float32", value: () => 1 + gaussian(random) * 0.04 });
}

function goodVoxels(seed: string): Buffer {
  const random = seededRandom(`${seed}/goodvoxels`);
  return toNiftiGz({ dims: [8, 10, 8], pixdim: [2, 2, 2], type: "uint8", value: (x, y, z) => (((x - 3.5) / 4) ** 2 + ((y - 4.5) / 5) ** 2 + ((z - 3.5) / 4) ** 2 <= 1 && random() > 0.03 ? 1 : 0) });
}

const PHYSIO_HZ = 400;

function physioLog(seed: string): string {
  const random = seededRandom(`${seed}/physio`);
  const samples = Math.round(MOTOR_FRAMES * MOTOR_TR * PHYSIO_HZ);
  const triggerEvery = Math.round(MOTOR_TR * PHYSIO_HZ);
  const breathHz = 0.27 + random() * 0.05;
  const heartHz = 1.05 + random() * 0.2;
  const lines: string[] = [];
  for (let i = 0; i < samples; i++) {
    const t = i / PHYSIO_HZ;
    const trigger = i % triggerEvery < 4 ? 1 : 0;
    const respiration = Math.round(2048 + 900 * Math.sin(2 * Math.PI * breathHz * t) + gaussian(random) * 15);
    const phase = (t * heartHz) % 1;
    const cardiac = Math.round(2048 + 1400 * Math.exp(-((phase - 0.15) ** 2) / 0.002) - 200 * phase + gaussian(random) * 10);
    lines.push(`${trigger}\t${respiration}\t${cardiac}\n`);
  }
  return lines.join("");
}

function eprimeTable(subject: string, run: string, cues: Block[], blocks: Block[]): string {
  const header = ["ExperimentName", "Subject", "Session", "Procedure", "BlockType", "CueOnsetTime", "StimOnsetTime", "StimDuration"];
  const names: Record<string, string> = { lf: "Left Foot", rf: "Right Foot", lh: "Left Hand", rh: "Right Hand", t: "Tongue", fixation: "Fixation" };
  const rows = blocks.map((block) => {
    const cue = cues.find((c) => Math.abs(c.onset + CUE_SECONDS - block.onset) < 1e-9);
    return [
      run,
      subject,
      "1",
      block.kind === "fixation" ? "FixationProc" : "MotorBlockProc",
      names[block.kind],
      cue ? String(Math.round(cue.onset * 1000)) : "",
      String(Math.round(block.onset * 1000)),
      String(Math.round(block.duration * 1000)),
    ];
  });
  return [header, ...rows].map((row) => `${row.join("\t")}\r\n`).join("");
}

function featDesign(run: string): string {
  const evs = ["cue", "lf", "lh", "rf", "rh", "t"];
  const lines = [
    "# FEAT version number",
    "set fmri(version) 6.00",
    "",
    "# Analysis level: 1 : First-level analysis",
    "set fmri(level) 1",
    "set fmri(analysis) 2",
    `set fmri(outputdir) "${run}_hp200_s4_level1"`,
    `set fmri(tr) ${MOTOR_TR.toFixed(6)}`,
    `set fmri(npts) ${MOTOR_FRAMES}`,
    "set fmri(ndelete) 0",
    "set fmri(paradigm_hp) 200",
    "set fmri(smooth) 4",
    `set fmri(evs_orig) ${evs.length}`,
    `set fmri(evs_real) ${evs.length * 2}`,
    "set fmri(temphp_yn) 1",
    "set fmri(prewhiten_yn) 1",
    `set feat_files(1) "${run}"`,
  ];
  evs.forEach((name, i) => {
    const n = i + 1;
    lines.push("", `# EV ${n} title`, `set fmri(evtitle${n}) "${name.toUpperCase()}"`, `set fmri(shape${n}) 3`, `set fmri(convolve${n}) 3`, `set fmri(tempfilt_yn${n}) 1`, `set fmri(deriv_yn${n}) 1`, `set fmri(custom${n}) "EVs/${name}.txt"`);
  });
  const contrasts = [...evs, "avg"];
  lines.push("", `set fmri(ncon_orig) ${contrasts.length}`);
  contrasts.forEach((name, i) => lines.push(`set fmri(conname_orig.${i + 1}) "${name.toUpperCase()}"`));
  return `${lines.join("\n")}\n`;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
