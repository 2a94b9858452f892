import { allen } from "neuroportal";
(async () => {
  const url = process.argv[2];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const r = await allen.query(url, { onPage: (p) => console.log("  page", p.startRow, (performance.now() - t0).toFixed(0)) });
    console.log(i, r.length, (performance.now() - t0).toFixed(0), "ms");
  }
  for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  for (let s = 0; s < 5000; s += 2000) { const r = await fetch(url + `&startRow=${s}&numRows=2000`); const t1=performance.now(); await r.json(); console.log("raw", s, (t1 - t0).toFixed(0), (performance.now() - t0).toFixed(0)); }
  }
})();
