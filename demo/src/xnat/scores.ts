/** Plausible non-Toolbox scores for one subject, honouring each instrument's consistency rules. */
import { DDISC_DELAY_YEARS } from "./instruments.js";
import type { Random } from "./prng.js";

const halfMs = (value: number) => Math.round(value * 2) / 2;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const clip = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** ER40: five emotion counts (0-8) whose sum is ER40_CR, plus the median correct RT. */
export function er40(random: Random): Record<string, number> {
  const ang = random.normalInt(7, 1, 3, 8);
  const fear = random.normalInt(6.8, 1.1, 2, 8);
  const hap = random.normalInt(7.8, 0.5, 5, 8);
  const noe = random.normalInt(7.6, 0.7, 4, 8);
  const sad = random.normalInt(7, 1, 3, 8);
  return {
    ER40_CR: ang + fear + hap + noe + sad,
    ER40_CRT: halfMs(clip(random.normal(1600, 250), 1000, 2600)),
    ER40ANG: ang,
    ER40FEAR: fear,
    ER40HAP: hap,
    ER40NOE: noe,
    ER40SAD: sad,
  };
}

/** NEO-FFI: five factor sums of 12 items scored 0-4 (0-48). */
export function neo(random: Random, agreeableness: readonly [number, number] = [0, 48]): Record<string, number> {
  return {
    NEOFAC_A: random.normalInt(32, 5, agreeableness[0], agreeableness[1]),
    NEOFAC_O: random.normalInt(28, 6, 0, 48),
    NEOFAC_C: random.normalInt(34, 6, 0, 48),
    NEOFAC_N: random.normalInt(17, 7, 0, 48),
    NEOFAC_E: random.normalInt(31, 6, 0, 48),
  };
}

/** Penn Word Memory: 40 words (20 targets, 20 foils); `range` (inclusive) pins IWRD_TOT. */
export function cpw(random: Random, range?: readonly [number, number]): Record<string, number> {
  let total: number;
  if (!range) total = random.normalInt(35.5, 3, 18, 40);
  else if (range[1] - range[0] >= 5) total = random.normalInt((range[0] + range[1]) / 2 + 1, 2, range[0], range[1]);
  else total = random.int(range[0], range[1]);
  return { IWRD_TOT: total, IWRD_RTC: halfMs(clip(random.normal(1350, 250), 800, 2200)) };
}

/** Penn Matrices: 24 items, stop after 5 wrong in a row, so CR <= 19 - SI when items were skipped. */
export function pmat24(random: Random): Record<string, number> {
  const correct = random.normalInt(17, 5, 0, 24);
  const skipped = correct >= 19 || random.chance(0.5) ? 0 : random.int(1, 19 - correct);
  return {
    PMAT24_A_CR: correct,
    PMAT24_A_SI: skipped,
    PMAT24_A_RTCR: halfMs(clip(random.normal(15000, 4000), 5000, 30000)),
  };
}

/** Line orientation: 24 trials; positions off only on wrong trials. */
export function vsplot(random: Random): Record<string, number> {
  const correct = random.normalInt(15, 5, 0, 24);
  const wrong = 24 - correct;
  return {
    VSPLOT_TC: correct,
    VSPLOT_CRTE: halfMs(clip(random.normal(2600, 600), 1000, 6000)),
    VSPLOT_OFF: Math.min(165, wrong + random.int(0, 3 * wrong)),
  };
}

/** Short Penn CPT: 60 targets and 120 non-targets (180 stimuli). */
export function scpt(random: Random): Record<string, number> {
  const tp = random.normalInt(57, 3, 30, 60);
  const fn = 60 - tp;
  const fp = random.normalInt(2, 2, 0, 20);
  const tn = 120 - fp;
  return {
    SCPT_TP: tp,
    SCPT_TN: tn,
    SCPT_FP: fp,
    SCPT_FN: fn,
    SCPT_TPRT: halfMs(clip(random.normal(410, 40), 300, 600)),
    SCPT_SEN: tp / 60,
    SCPT_SPEC: tn / 120,
    SCPT_LRNR: fn === 0 ? 0 : random.int(0, Math.min(fn, 4)),
  };
}

/** Delay discounting: hyperbolic subjective values and the normalised area under the curve. */
export function ddisc(random: Random): Record<string, number> {
  const out: Record<string, number> = {};
  const small = Math.exp(random.normal(Math.log(0.3), 1));
  const large = small * Math.exp(random.normal(Math.log(0.3), 0.5));
  for (const [amount, key, k] of [
    [200, "200", small],
    [40000, "40K", large],
  ] as const) {
    const values = DDISC_DELAY_YEARS.map((years) => {
      const noisy = (amount / (1 + k * years)) * (1 + random.normal(0, 0.05));
      return round(clip(noisy, 0, amount), 2);
    });
    const names = ["1mo", "6mo", "1yr", "3yr", "5yr", "10yr"];
    values.forEach((value, index) => (out[`DDisc_SV_${names[index]}_${key}`] = value));
    out[`DDisc_AUC_${key}`] = round(areaUnderCurve(values.map((value) => value / amount)), 6);
  }
  const ordered: Record<string, number> = {};
  for (const key of ["200", "40K"]) {
    for (const name of ["1mo", "6mo", "1yr", "3yr", "5yr", "10yr"]) ordered[`DDisc_SV_${name}_${key}`] = out[`DDisc_SV_${name}_${key}`];
  }
  ordered.DDisc_AUC_200 = out.DDisc_AUC_200;
  ordered.DDisc_AUC_40K = out.DDisc_AUC_40K;
  return ordered;
}

function areaUnderCurve(normalised: number[]): number {
  const xs = [0, ...DDISC_DELAY_YEARS.map((years) => years / 10)];
  const ys = [1, ...normalised];
  let area = 0;
  for (let i = 1; i < xs.length; i++) area += ((xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1])) / 2;
  return area;
}

/** Mars contrast sensitivity: final = log score - 0.04 per error. */
export function mars(random: Random): Record<string, number> {
  const log = round(1.52 + 0.04 * random.int(0, 10), 2);
  const errors = random.normalInt(1, 1, 0, 5);
  return { Mars_Log_Score: log, Mars_Errs: errors, Mars_Final: round(log - 0.04 * errors, 2) };
}

/** Generators by group name, in document order. */
export const GROUP_GENERATORS: Readonly<Record<string, (random: Random) => Record<string, number>>> = {
  ER40: er40,
  NEO: (random) => neo(random),
  CPW: (random) => cpw(random),
  PMAT24: pmat24,
  VSPLOT: vsplot,
  SCPT: scpt,
  DDISC: ddisc,
  MARS: mars,
};

