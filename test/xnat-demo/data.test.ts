import { strict as assert } from "node:assert";
import { FIXED_NEO, HIGH_AGREEABLENESS, IWRD_30_TO_34, Q1_LABELS } from "../../demo/src/xnat/facts.js";
import { generateCatalog, PROJECT_IDS } from "../../demo/src/xnat/generate.js";
import { projectsOf } from "../../demo/src/xnat/model.js";

describe("xnat demo: the synthetic data set", () => {
  const catalog = generateCatalog();
  const q1Scores = catalog.experiments.filter((e) => e.xsiType === "nt:scores" && projectsOf(e).includes("HCP_Q1"));
  const labelOf = (subjectId: string) => catalog.subjectById.get(subjectId)!.label;

  it("is deterministic, and other seeds keep the tutorial's values", () => {
    const again = generateCatalog(20130601);
    assert.equal(again, catalog, "memoised per seed");
    const other = generateCatalog(7);
    const neo = other.experiments.find((e) => e.label === "100307_NonToolbox")!.scores!.NEO;
    assert.deepEqual(neo, { NEOFAC_A: 33, NEOFAC_O: 37, NEOFAC_C: 24, NEOFAC_N: 15, NEOFAC_E: 35 });
    const otherHigh = other.experiments
      .filter((e) => e.xsiType === "nt:scores" && projectsOf(e).includes("HCP_Q1") && (e.scores?.NEO?.NEOFAC_A ?? 0) > 40)
      .map((e) => other.subjectById.get(e.subjectId)!.label);
    assert.deepEqual(otherHigh.sort(), [...HIGH_AGREEABLENESS].sort());
  });

  it("numbers subjects and experiments like ConnectomeDB: the last 8 Q1 subjects were added later", () => {
    const q1 = catalog.subjects.filter((s) => projectsOf(s).includes("HCP_Q1"));
    assert.deepEqual(q1.map((s) => s.label), Q1_LABELS);
    assert.equal(q1[0].id, "ConnectomeDB_S00230");
    assert.equal(q1[67].id, "ConnectomeDB_S00297");
    assert.ok(q1[68].id > "ConnectomeDB_S00300", "a gap of Q2 subjects before the late eight");
    assert.equal(catalog.experiments.find((e) => e.label === "100307_NonToolbox")!.id, "ConnectomeDB_E00299");
    for (const subject of catalog.subjects) {
      const labels = catalog.experiments.filter((e) => e.subjectId === subject.id).map((e) => e.label);
      assert.deepEqual(labels, ["_3T", "_SubjMeta", "_NonToolbox"].map((suffix) => subject.label + suffix));
    }
    assert.ok(catalog.subjects.every((s) => s.project === PROJECT_IDS.owner));
  });

  it("holds every fixed tutorial value", () => {
    for (const [label, neo] of Object.entries(FIXED_NEO)) {
      const scores = q1Scores.find((e) => labelOf(e.subjectId) === label)!.scores!.NEO;
      assert.deepEqual(scores, { NEOFAC_A: neo.A, NEOFAC_O: neo.O, NEOFAC_C: neo.C, NEOFAC_N: neo.N, NEOFAC_E: neo.E });
    }
    const high = q1Scores.filter((e) => (e.scores?.NEO?.NEOFAC_A ?? -1) > 40).map((e) => labelOf(e.subjectId));
    assert.deepEqual(high.sort(), [...HIGH_AGREEABLENESS].sort());
    const iwrd = q1Scores.filter((e) => e.scores!.CPW.IWRD_TOT >= 30 && e.scores!.CPW.IWRD_TOT < 35).map((e) => labelOf(e.subjectId));
    assert.deepEqual(iwrd.sort(), [...IWRD_30_TO_34].sort());
    assert.ok(q1Scores.every((e) => e.scores?.CPW?.IWRD_TOT !== undefined), "every Q1 subject has IWRD_TOT");
  });

  it("keeps the instruments' ranges and consistency rules", () => {
    for (const experiment of catalog.experiments.filter((e) => e.scores)) {
      const { ER40, NEO, CPW, PMAT24, VSPLOT, SCPT, DDISC, MARS } = experiment.scores!;
      if (ER40) {
        assert.equal(ER40.ER40_CR, ER40.ER40ANG + ER40.ER40FEAR + ER40.ER40HAP + ER40.ER40NOE + ER40.ER40SAD);
        for (const key of ["ER40ANG", "ER40FEAR", "ER40HAP", "ER40NOE", "ER40SAD"]) assert.ok(ER40[key] >= 0 && ER40[key] <= 8);
        assert.ok(ER40.ER40_CRT > 0);
      }
      if (NEO) for (const value of Object.values(NEO)) assert.ok(Number.isInteger(value) && value >= 0 && value <= 48);
      if (CPW) assert.ok(CPW.IWRD_TOT >= 0 && CPW.IWRD_TOT <= 40);
      if (PMAT24) {
        assert.ok(PMAT24.PMAT24_A_CR <= 24 - PMAT24.PMAT24_A_SI);
        if (PMAT24.PMAT24_A_SI > 0) assert.ok(PMAT24.PMAT24_A_CR <= 19 - PMAT24.PMAT24_A_SI);
      }
      if (VSPLOT) assert.ok(VSPLOT.VSPLOT_TC >= 0 && VSPLOT.VSPLOT_TC <= 24 && VSPLOT.VSPLOT_OFF <= 165);
      if (SCPT) {
        assert.equal(SCPT.SCPT_TP + SCPT.SCPT_FN + SCPT.SCPT_TN + SCPT.SCPT_FP, 180);
        assert.equal(SCPT.SCPT_SEN, SCPT.SCPT_TP / (SCPT.SCPT_TP + SCPT.SCPT_FN));
        assert.equal(SCPT.SCPT_SPEC, SCPT.SCPT_TN / (SCPT.SCPT_TN + SCPT.SCPT_FP));
      }
      if (DDISC) {
        assert.ok(DDISC.DDisc_AUC_200 >= 0 && DDISC.DDisc_AUC_200 <= 1 && DDISC.DDisc_AUC_40K >= 0 && DDISC.DDisc_AUC_40K <= 1);
        assert.ok(DDISC.DDisc_SV_10yr_200 <= 200 && DDISC.DDisc_SV_10yr_40K <= 40000);
      }
      if (MARS) assert.equal(MARS.Mars_Final, Math.round((MARS.Mars_Log_Score - 0.04 * MARS.Mars_Errs) * 100) / 100);
    }
  });

  it("leaves some measures missing, and keeps the trap projects out of nt:scores", () => {
    assert.ok(q1Scores.filter((e) => !e.scores!.NEO).length >= 2);
    assert.ok(q1Scores.some((e) => e.scores!.NEO && e.scores!.NEO.NEOFAC_O === undefined));
    const traps = [PROJECT_IDS.trapSuffix, PROJECT_IDS.trapWildcard];
    assert.ok(catalog.subjects.some((s) => projectsOf(s).includes(PROJECT_IDS.trapSuffix) && !projectsOf(s).includes("HCP_Q1")));
    assert.ok(catalog.experiments.filter((e) => e.xsiType === "nt:scores").every((e) => !projectsOf(e).some((p) => traps.includes(p as any))));
  });
});
