/** A least-squares line y = slope·x + intercept with Pearson's r over n complete pairs. */
export interface LineFit {
  slope: number;
  intercept: number;
  r: number;
  n: number;
}

/** Fits y = slope·x + intercept by least squares over the pairs where both values are finite. */
export function leastSquares(x: readonly number[], y: readonly number[]): LineFit {
  let n = 0, sx = 0, sy = 0;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) n++, sx += x[i], sy += y[i];
  }
  if (n < 2) return { slope: NaN, intercept: NaN, r: NaN, n };
  const mx = sx / n, my = sy / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    const dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
  }
  const slope = sxx === 0 ? NaN : sxy / sxx;
  return { slope, intercept: my - slope * mx, r: sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy), n };
}

/** Pearson correlation over the pairs where both values are finite (pairwise-complete). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  return leastSquares(x, y).r;
}

/** Rounds for display inside figures, so specs stay short and stable. */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value;
  const factor = Math.pow(10, digits);
  return Math.round(value * factor) / factor;
}
