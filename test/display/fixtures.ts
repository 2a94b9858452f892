import { frame } from "../../lib/index.js";
import { mulberry32 } from "../../demo/src/prng.js";

/** A deterministic PRNG (mulberry32) so fixtures never change between runs. */
export const prng = mulberry32;

export const NEO = ["neo_neofac_a", "neo_neofac_c", "neo_neofac_e", "neo_neofac_n", "neo_neofac_o"];

/** 40 subjects with five NEO-like scores (one missing), a gender and a label with HTML in it. */
export function neoFrame() {
  const random = prng(42);
  const records = Array.from({ length: 40 }, (_, i) => {
    const record: Record<string, unknown> = { subject_id: `ConnectomeDB_S00${230 + i}`, gender: i % 3 === 0 ? "F" : "M" };
    for (const column of NEO) record[column] = String(Math.round(12 + random() * 30));
    return record;
  });
  records[5].neo_neofac_n = "";
  records[7].subject_id = "<b>x</b> & 'y'";
  return frame.fromRecords(records, ["subject_id", ...NEO, "gender"], Object.fromEntries(NEO.map((c) => [c, "integer" as const])));
}

/** A 3 × 4 × 2 volume (x fastest) whose value encodes its own coordinates; voxel (0,0,0) has no data. */
export function codedVolume() {
  const dims: [number, number, number] = [3, 4, 2];
  const data = new Float32Array(24);
  for (let z = 0; z < 2; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) data[x + 3 * (y + 4 * z)] = 100 * x + 10 * y + z;
  data[0] = -1;
  return { dims, spacing: [200, 100, 50] as [number, number, number], data };
}
