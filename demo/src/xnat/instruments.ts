/** The non-Toolbox instruments of `nt:scores`: groups, fields, types and descriptions. */

/** Value type of a score field as the schema declares it. */
export type ScoreType = "integer" | "float";

/** One scalar element inside a score group (`nt:ER40/nt:ER40_CR`). */
export interface ScoreField {
  /** Element name inside the group, also the search header (`ER40_CR`). */
  name: string;
  type: ScoreType;
  description: string;
}

/** A wrapper element of `nt:NTScores` holding related scores (`nt:ER40`). */
export interface ScoreGroup {
  name: string;
  /** Instrument name, used in the display document and field descriptions. */
  instrument: string;
  fields: readonly ScoreField[];
}

const int = (name: string, description: string): ScoreField => ({ name, type: "integer", description });
const float = (name: string, description: string): ScoreField => ({ name, type: "float", description });

const delays = [
  ["1mo", "1 month"],
  ["6mo", "6 months"],
  ["1yr", "1 year"],
  ["3yr", "3 years"],
  ["5yr", "5 years"],
  ["10yr", "10 years"],
] as const;

/** Delays of the discounting task, in years, in field order. */
export const DDISC_DELAY_YEARS: readonly number[] = [1 / 12, 0.5, 1, 3, 5, 10];

/** The score groups in document order. */
export const SCORE_GROUPS: readonly ScoreGroup[] = [
  {
    name: "ER40",
    instrument: "Penn Emotion Recognition Test",
    fields: [
      int("ER40_CR", "Penn Emotion Recognition: number of correct responses"),
      float("ER40_CRT", "Penn Emotion Recognition: median reaction time of correct responses (ms)"),
      int("ER40ANG", "Penn Emotion Recognition: correct anger identifications"),
      int("ER40FEAR", "Penn Emotion Recognition: correct fear identifications"),
      int("ER40HAP", "Penn Emotion Recognition: correct happy identifications"),
      int("ER40NOE", "Penn Emotion Recognition: correct neutral identifications"),
      int("ER40SAD", "Penn Emotion Recognition: correct sad identifications"),
    ],
  },
  {
    name: "NEO",
    instrument: "NEO Five-Factor Inventory",
    fields: [
      int("NEOFAC_A", "NEO Factor A (Agreeableness)"),
      int("NEOFAC_O", "NEO Factor O (Openness)"),
      int("NEOFAC_C", "NEO Factor C (Conscientiousness)"),
      int("NEOFAC_N", "NEO Factor N (Neuroticism)"),
      int("NEOFAC_E", "NEO Factor E (Extraversion)"),
    ],
  },
  {
    name: "CPW",
    instrument: "Penn Word Memory Test",
    fields: [
      int("IWRD_TOT", "Penn Word Memory: total number of correct responses"),
      float("IWRD_RTC", "Penn Word Memory: median reaction time of correct responses (ms)"),
    ],
  },
  {
    name: "PMAT24",
    instrument: "Penn Progressive Matrices",
    fields: [
      int("PMAT24_A_CR", "Penn Progressive Matrices: number of correct responses"),
      int("PMAT24_A_SI", "Penn Progressive Matrices: total skipped items"),
      float("PMAT24_A_RTCR", "Penn Progressive Matrices: median reaction time of correct responses (ms)"),
    ],
  },
  {
    name: "VSPLOT",
    instrument: "Variable Short Penn Line Orientation Test",
    fields: [
      int("VSPLOT_TC", "Line Orientation: total number of correct responses"),
      float("VSPLOT_CRTE", "Line Orientation: median reaction time divided by expected number of clicks, correct trials (ms)"),
      int("VSPLOT_OFF", "Line Orientation: total positions off over all trials"),
    ],
  },
  {
    name: "SCPT",
    instrument: "Short Penn Continuous Performance Test",
    fields: [
      int("SCPT_TP", "Short Penn CPT: true positives"),
      int("SCPT_TN", "Short Penn CPT: true negatives"),
      int("SCPT_FP", "Short Penn CPT: false positives"),
      int("SCPT_FN", "Short Penn CPT: false negatives"),
      float("SCPT_TPRT", "Short Penn CPT: median reaction time of true positive responses (ms)"),
      float("SCPT_SEN", "Short Penn CPT: sensitivity, TP/(TP+FN)"),
      float("SCPT_SPEC", "Short Penn CPT: specificity, TN/(TN+FP)"),
      int("SCPT_LRNR", "Short Penn CPT: longest run of non-responses"),
    ],
  },
  {
    name: "DDISC",
    instrument: "Delay Discounting",
    fields: [
      ...delays.map(([key, text]) => float(`DDisc_SV_${key}_200`, `Delay Discounting: subjective value of $200 at ${text}`)),
      ...delays.map(([key, text]) => float(`DDisc_SV_${key}_40K`, `Delay Discounting: subjective value of $40,000 at ${text}`)),
      float("DDisc_AUC_200", "Delay Discounting: area under the curve for discounting of $200"),
      float("DDisc_AUC_40K", "Delay Discounting: area under the curve for discounting of $40,000"),
    ],
  },
  {
    name: "MARS",
    instrument: "Mars Contrast Sensitivity",
    fields: [
      float("Mars_Log_Score", "Mars Contrast Sensitivity: log contrast sensitivity of the last correct letter"),
      int("Mars_Errs", "Mars Contrast Sensitivity: errors before the last correct letter"),
      float("Mars_Final", "Mars Contrast Sensitivity: final score, log score minus 0.04 per error"),
    ],
  },
];

/** The search (display field) id of a score: `<GROUP>_<FIELD>` upper-cased (`NEO_NEOFAC_A`). */
export function scoreFieldId(group: ScoreGroup, field: ScoreField): string {
  return `${group.name}_${field.name}`.toUpperCase();
}

/** Scores of one experiment: group name → field name → value (absent = not collected). */
export type Scores = Record<string, Record<string, number>>;
