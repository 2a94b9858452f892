import { createAllenDemoData, createAllenHandler } from "../../lib/demo/allen/index.js";
import { buildOntology } from "../../lib/demo/allen/ontology.js";
import { listenLoopback } from "../../lib/demo/loopback.js";
(async () => {
  const data = createAllenDemoData();
  data.catalog.set("Structure", buildOntology(5000).map((fields) => ({ fields, associations: {} })));
  const server = await listenLoopback(createAllenHandler(data));
  const url = `${server.url}api/v2/data/Structure/query.json?criteria=[graph_id$eq1]`;
  console.log(url);
  await new Promise((r) => setTimeout(r, 60000));
  await server.close();
})();
