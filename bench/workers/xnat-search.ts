import { xnat } from "neuroportal";
import { preloadDanfo, preloadFetch, repeated, report, runWorkerMain, task } from "./worker-lib.js";

interface Task {
  url: string;
  user: string;
  project: string;
  repeat?: number;
}

const NEO = ["SUBJECT_ID", ..."AOCNE".split("").map((e) => `NEO_NEOFAC_${e}`)].map((f) => `nt:scores/${f}`);
const CPW = ["SUBJECT_ID", "CPW_IWRD_TOT", "CPW_IWRD_RTC"].map((f) => `nt:scores/${f}`);

/** The seed's four searches, each with subject labels (neuroportal adds them from one listing). */
async function searches(t: Task) {
  const cdb = await xnat.connect(t.url, { user: t.user, password: process.env.BENCH_XNAT_PASSWORD });
  try {
    const q1 = cdb.project(t.project);
    const labelsOf = (result: xnat.ProjectSearchResult) => result.column("subject_label");
    const neo = await q1.search("nt:scores", NEO);
    const records = neo.records();
    const byLabel = new Map(records.map((row) => [row.subject_label, row]));
    const localAgreeable = records.filter((row) => row.neo_neofac_a !== "" && Number(row.neo_neofac_a) > 40).map((row) => row.subject_label).sort();
    const [agreeable, inside, outside] = await Promise.all([
      q1.search("nt:scores", NEO, [["nt:scores/NEO_NEOFAC_A", ">", "40"], "AND"]),
      q1.search("nt:scores", CPW, [["nt:scores/CPW_IWRD_TOT", ">=", "30"], ["nt:scores/CPW_IWRD_TOT", "<", "35"], "AND"]),
      q1.search("nt:scores", CPW, [[["nt:scores/CPW_IWRD_TOT", "<", "30"], ["nt:scores/CPW_IWRD_TOT", ">=", "35"], "OR"], "AND"]),
    ]);
    const probe = byLabel.get("143325") ?? {};
    return {
      neoffiRows: neo.length,
      neoffi143325: Object.fromEntries(Object.entries(probe).filter(([key]) => key.startsWith("neo_neofac_"))),
      localAgreeable,
      agreeable: labelsOf(agreeable),
      cpwInside: labelsOf(inside),
      cpwOutside: labelsOf(outside),
    };
  } finally {
    await cdb.close();
  }
}

runWorkerMain(async () => {
  preloadFetch();
  const t = task<Task>();
  preloadDanfo();
  const { value, seconds, warmSeconds } = await repeated(() => searches(t), t.repeat);
  report(seconds, { warmSeconds, ...value });
});
