/** Values the ConnectomeDB tutorial shows; the generator reproduces them exactly. */

export { Q1_LABELS } from "../hcp-q1.js";

/** How many of {@link Q1_LABELS} belong to the first release (IDs in label order). */
export const Q1_FIRST_RELEASE = 68;

/** Site id prefix of subject and experiment IDs. */
export const SITE_ID = "ConnectomeDB";

/** Counter of the first HCP_Q1 subject (100307 is ConnectomeDB_S00230). */
export const FIRST_SUBJECT_NUMBER = 230;

/** Counter of the first HCP_Q1 experiment (100307_3T; 100307_NonToolbox is ConnectomeDB_E00299). */
export const FIRST_EXPERIMENT_NUMBER = 297;

/** NEO-FFI factors the tutorial prints. */
export const FIXED_NEO: Readonly<Record<string, Record<"A" | "O" | "C" | "N" | "E", number>>> = {
  "100307": { A: 33, O: 37, C: 24, N: 15, E: 35 },
  "103515": { A: 19, O: 25, C: 27, N: 25, E: 32 },
  "143325": { A: 28, O: 15, C: 25, N: 25, E: 32 },
};

/** The only HCP_Q1 subjects with agreeableness (NEOFAC_A) above 40. */
export const HIGH_AGREEABLENESS: readonly string[] = ["149337", "732243", "792564", "877168"];

/** The only HCP_Q1 subjects with 30 <= CPW IWRD_TOT < 35. */
export const IWRD_30_TO_34: readonly string[] = (
  "111312 114924 119833 125525 128632 137128 144226 162329 167743 192439 192540 199150 201111 " +
  "210617 250427 255639 672756 685058 856766 894673 896778 901139 611231 230926 235128 707244"
).split(" ");

/** 100307's ER40 group, in element order. */
export const FIXED_ER40: Readonly<Record<string, Record<string, number>>> = {
  "100307": { ER40_CR: 39, ER40_CRT: 1471.0, ER40ANG: 8, ER40FEAR: 8, ER40HAP: 8, ER40NOE: 8, ER40SAD: 7 },
};
