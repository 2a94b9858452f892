export { services, REAL_SERVICES } from "./services.js";
export type { Services, ServiceSource } from "./services.js";
export { demoStateFile, readDemoState, writeDemoState, clearDemoState } from "./demo-state.js";
