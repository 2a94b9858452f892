import { createAllenDemoData, createAllenHandler } from "/work/main/lib/demo/allen/index.js";
import { buildOntology } from "/work/main/lib/demo/allen/ontology.js";
import { listenLoopback } from "/work/main/lib/demo/loopback.js";
import { startLatencyProxy } from "/work/main/bench/core/latency-proxy.js";
import { allen } from "neuroportal";
(async () => {
  const data = createAllenDemoData();
  data.catalog.set("Structure", buildOntology(5000).map((fields) => ({ fields, associations: {} })));
  const server = await listenLoopback(createAllenHandler(data));
  const proxy = await startLatencyProxy(server.url, 20);
  const url = `${proxy.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`;
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const r = await allen.query(url, { onPage: (p) => console.log("  page", p.startRow, (performance.now() - t0).toFixed(0)) });
    console.log(i, r.length, (performance.now() - t0).toFixed(0), "ms");
  }
  const t0 = performance.now();
  for (let s = 0; s < 5000; s += 2000) { const r = await fetch(url + `&startRow=${s}&numRows=2000`); await r.json(); console.log("raw", s, (performance.now() - t0).toFixed(0)); }
  await proxy.close(); await server.close();
})();
