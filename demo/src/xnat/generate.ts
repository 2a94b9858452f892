/** Builds the deterministic synthetic ConnectomeDB: HCP_Q1/Q2 subjects, their three experiments and scores. */
import {
  FIRST_EXPERIMENT_NUMBER,
  FIRST_SUBJECT_NUMBER,
  FIXED_ER40,
  FIXED_NEO,
  HIGH_AGREEABLENESS,
  IWRD_30_TO_34,
  Q1_FIRST_RELEASE,
  Q1_LABELS,
  SITE_ID,
} from "./facts.js";
import { SCORE_GROUPS, Scores } from "./instruments.js";
import {
  Catalog,
  ExperimentRecord,
  MrSessionContent,
  ProjectRecord,
  Share,
  SubjectMetaContent,
  SubjectRecord,
  toCatalog,
} from "./model.js";
import { Random, randomFrom } from "./prng.js";
import { cpw, GROUP_GENERATORS, neo } from "./scores.js";

/** The default data seed; any seed reproduces the tutorial's values, the rest varies. */
export const DEFAULT_SEED = 20130601;

/** Project ids of the demo. The last two are traps that `PROJECTS LIKE '%HCP_Q1%'` over-matches. */
export const PROJECT_IDS = {
  owner: "HCP_Subjects",
  q1: "HCP_Q1",
  q2: "HCP_Q2",
  trapSuffix: "HCP_Q1b",
  trapWildcard: "HCP-Q1-MEG",
} as const;

const Q2_ONLY_COUNT = 24;
/** Positions (in the Q2-only list) of subjects also shared into the trap projects. */
const TRAP_SUFFIX_MEMBERS = [2, 9, 17];
const TRAP_WILDCARD_MEMBERS = [5, 20];
const USER = "hcpadmin";

const cache = new Map<number, Catalog>();

/** Generates the whole catalog for `seed` (memoised: catalogs are never modified). */
export function generateCatalog(seed = DEFAULT_SEED): Catalog {
  let catalog = cache.get(seed);
  if (!catalog) {
    catalog = buildCatalog(seed);
    cache.set(seed, catalog);
  }
  return catalog;
}

function buildCatalog(seed: number): Catalog {
  const q2Only = q2OnlyLabels(seed);
  const subjects: SubjectRecord[] = [];
  const experiments: ExperimentRecord[] = [];
  let subjectNumber = FIRST_SUBJECT_NUMBER;
  let experimentNumber = FIRST_EXPERIMENT_NUMBER;
  const missing = chooseMissing(seed);

  const addSubject = (label: string, release: Release, trapProjects: string[]) => {
    const random = randomFrom(seed, "subject", label);
    const inQ1 = release !== "q2";
    const subjectShares: Share[] = [
      ...(inQ1 ? [{ project: PROJECT_IDS.q1, label }] : []),
      { project: PROJECT_IDS.q2, label },
      ...trapProjects.map((project) => ({ project, label: labelInTrap(project, label) })),
    ];
    const subject: SubjectRecord = {
      id: `${SITE_ID}_S${pad(subjectNumber++)}`,
      label,
      project: PROJECT_IDS.owner,
      shares: subjectShares,
      gender: random.chance(0.55) ? "female" : "male",
      age: random.int(22, 35),
      handedness: random.chance(0.9) ? "right" : random.chance(0.7) ? "left" : "ambidextrous",
      group: "control",
      insertDate: insertDate(release, random),
      insertUser: USER,
    };
    subjects.push(subject);
    const scanDate = sessionDate(release, random);
    const share = (suffix: string, extra: string[]) => [
      ...(inQ1 ? [{ project: PROJECT_IDS.q1, label: `${label}${suffix}` }] : []),
      { project: PROJECT_IDS.q2, label: `${label}${suffix}` },
      ...extra.map((project) => ({ project, label: `${labelInTrap(project, label)}${suffix}` })),
    ];
    const base = (suffix: string, xsiType: ExperimentRecord["xsiType"], extraShares: string[]) => ({
      id: `${SITE_ID}_E${pad(experimentNumber++)}`,
      label: `${label}${suffix}`,
      project: PROJECT_IDS.owner,
      shares: share(suffix, extraShares),
      xsiType,
      subjectId: subject.id,
      insertDate: subject.insertDate,
      insertUser: USER,
    });
    experiments.push({
      ...base("_3T", "xnat:mrSessionData", trapProjects.filter((p) => p === PROJECT_IDS.trapSuffix)),
      date: scanDate,
      mr: mrSession(randomFrom(seed, "mr", label)),
    });
    experiments.push({ ...base("_SubjMeta", "hcp:subjectMetaData", trapProjects), date: "", meta: subjectMeta(randomFrom(seed, "meta", label)) });
    experiments.push({ ...base("_NonToolbox", "nt:scores", []), date: "", scores: scores(seed, label, inQ1, missing) });
  };

  Q1_LABELS.slice(0, Q1_FIRST_RELEASE).forEach((label) => addSubject(label, "q1", []));
  q2Only.forEach((label, index) => {
    const traps = [
      ...(TRAP_SUFFIX_MEMBERS.includes(index) ? [PROJECT_IDS.trapSuffix] : []),
      ...(TRAP_WILDCARD_MEMBERS.includes(index) ? [PROJECT_IDS.trapWildcard] : []),
    ];
    addSubject(label, "q2", traps);
  });
  Q1_LABELS.slice(Q1_FIRST_RELEASE).forEach((label) => addSubject(label, "q1-late", []));

  return toCatalog(SITE_ID, projects(), subjects, experiments);
}

type Release = "q1" | "q2" | "q1-late";

/** HCP_Q1b labels its subjects `<label>_R` (retest), so project labels differ from the owner's. */
function labelInTrap(project: string, label: string): string {
  return project === PROJECT_IDS.trapSuffix ? `${label}_R` : label;
}

function projects(): ProjectRecord[] {
  const project = (id: string, name: string, description: string, keywords: string, insertDate: string): ProjectRecord => ({
    id,
    secondaryId: id.replace(/_/g, " "),
    name,
    description,
    keywords,
    piFirstname: "David",
    piLastname: "Van Essen",
    insertDate,
  });
  return [
    project(PROJECT_IDS.owner, "HCP Subjects", "All Human Connectome Project subjects (owning project of every subject and experiment).", "HCP", "2012-08-01 09:00:00.000"),
    project(PROJECT_IDS.q1, "HCP Q1 Data Release", "Human Connectome Project first quarterly data release (Q1): 3T imaging and behavioral data.", "HCP Q1 release", "2013-03-01 09:00:00.000"),
    project(PROJECT_IDS.q2, "HCP Q2 Data Release", "Human Connectome Project second quarterly data release (Q2), in preparation.", "HCP Q2 release", "2013-05-01 09:00:00.000"),
    project(PROJECT_IDS.trapSuffix, "HCP Q1b Retest (demo)", "Retest sessions of a few Q2 subjects. Its ID contains HCP_Q1, so PROJECTS LIKE '%HCP_Q1%' over-matches its subjects and sessions.", "HCP retest demo", "2013-05-15 09:00:00.000"),
    project(PROJECT_IDS.trapWildcard, "HCP Q1 MEG Pilot (demo)", "MEG pilot bookkeeping for a few Q2 subjects. '_' is an SQL wildcard, so LIKE '%HCP_Q1%' also matches HCP-Q1-MEG.", "HCP MEG demo", "2013-05-20 09:00:00.000"),
  ];
}

/** Six-digit HCP-style labels of the Q2-only subjects, ascending, disjoint from Q1. */
function q2OnlyLabels(seed: number): string[] {
  const random = randomFrom(seed, "q2-labels");
  const taken = new Set(Q1_LABELS);
  const labels = new Set<string>();
  while (labels.size < Q2_ONLY_COUNT) {
    const label = String(random.int(100000, 999999));
    if (!taken.has(label)) labels.add(label);
  }
  return [...labels].sort();
}

/** Which Q1 subjects lack some measures, so missing values show up in searches. */
interface Missing {
  neo: Set<string>;
  neoOpenness: Set<string>;
}

function chooseMissing(seed: number): Missing {
  const protectedLabels = new Set([...Object.keys(FIXED_NEO), ...HIGH_AGREEABLENESS]);
  const candidates = Q1_LABELS.filter((label) => !protectedLabels.has(label));
  const random = randomFrom(seed, "missing");
  const pickDistinct = (count: number, exclude: Set<string>) => {
    const out = new Set<string>();
    while (out.size < count) {
      const label = random.pick(candidates);
      if (!exclude.has(label)) out.add(label);
    }
    return out;
  };
  const neoMissing = pickDistinct(2, new Set());
  return { neo: neoMissing, neoOpenness: pickDistinct(1, neoMissing) };
}

function scores(seed: number, label: string, inQ1: boolean, missing: Missing): Scores {
  const out: Scores = {};
  for (const group of SCORE_GROUPS) {
    const random = randomFrom(seed, "scores", label, group.name);
    let values: Record<string, number>;
    if (group.name === "NEO") {
      const fixed = FIXED_NEO[label];
      values = fixed
        ? { NEOFAC_A: fixed.A, NEOFAC_O: fixed.O, NEOFAC_C: fixed.C, NEOFAC_N: fixed.N, NEOFAC_E: fixed.E }
        : neo(random, !inQ1 ? [0, 48] : HIGH_AGREEABLENESS.includes(label) ? [41, 46] : [0, 40]);
      if (inQ1 && missing.neo.has(label)) continue;
      if (inQ1 && missing.neoOpenness.has(label)) delete values.NEOFAC_O;
    } else if (group.name === "CPW") {
      const range: readonly [number, number] | undefined = !inQ1
        ? undefined
        : IWRD_30_TO_34.includes(label)
          ? [30, 34]
          : random.chance(0.2)
            ? [22, 29]
            : [35, 40];
      values = cpw(random, range);
      if (random.chance(0.04)) delete values.IWRD_RTC;
    } else if (group.name === "ER40" && FIXED_ER40[label]) {
      values = { ...FIXED_ER40[label] };
    } else {
      values = GROUP_GENERATORS[group.name](random);
      if (random.chance(0.05)) continue;
    }
    out[group.name] = values;
  }
  return out;
}

const SCANS: ReadonlyArray<readonly [type: string, frames: number]> = [
  ["Localizer", 3],
  ["T1w_MPR1", 256],
  ["T2w_SPC1", 256],
  ["rfMRI_REST1_RL", 1200],
  ["rfMRI_REST1_LR", 1200],
  ["tfMRI_WM_RL", 405],
  ["tfMRI_WM_LR", 405],
  ["tfMRI_MOTOR_RL", 284],
  ["tfMRI_MOTOR_LR", 284],
  ["DWI_dir95_RL", 96],
  ["DWI_dir95_LR", 96],
];

function mrSession(random: Random): MrSessionContent {
  return {
    scanner: "Skyra",
    fieldStrength: 3.0,
    scans: SCANS.map(([type, frames], index) => ({
      id: String(index + 1),
      type,
      seriesDescription: type,
      frames,
      quality: random.chance(0.93) ? "usable" : random.chance(0.6) ? "questionable" : "unusable",
    })),
  };
}

function subjectMeta(random: Random): SubjectMetaContent {
  const rest = random.chance(0.95) ? 4 : 2;
  const task = random.chance(0.9) ? 14 : 12;
  return [
    ["T1_Count", random.chance(0.9) ? 1 : 2],
    ["T2_Count", 1],
    ["RS_fMRI_Count", rest],
    ["tfMRI_Count", task],
    ["dMRI_Count", 6],
    ["Full_MR_Compl", rest === 4 && task === 14],
    ["NonTB_Compl", true],
  ];
}

function sessionDate(release: Release, random: Random): string {
  const start = Date.UTC(release === "q1" ? 2012 : 2013, release === "q1" ? 7 : 0, 1);
  const days = random.int(0, release === "q1" ? 180 : 100);
  return new Date(start + days * 86_400_000).toISOString().slice(0, 10);
}

function insertDate(release: Release, random: Random): string {
  const base = release === "q1" ? Date.UTC(2013, 1, 20) : release === "q2" ? Date.UTC(2013, 3, 10) : Date.UTC(2013, 4, 2);
  const at = new Date(base + random.int(0, 5 * 86_400) * 1000 + random.int(0, 999));
  return at.toISOString().replace("T", " ").replace("Z", "");
}

function pad(counter: number): string {
  return String(counter).padStart(5, "0");
}
