/** How numbers print: Java `Double.toString` for floats (`1471.0`), bare digits for integers. */
import type { ScoreType } from "./instruments.js";

/** Java's `Double.toString`: shortest round-trip digits, at least one decimal, E-notation outside [1e-3, 1e7). */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes(".") ? text : `${text}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split("e");
  const digits = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return `${digits}E${Number(exponent)}`;
}

/** A score as the server writes it in XML documents and result cells. */
export function formatScore(value: number, type: ScoreType): string {
  return type === "integer" ? String(Math.trunc(value)) : javaDouble(value);
}
