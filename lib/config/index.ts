export { services, REAL_SERVICES } from "./services.js";
export type { Services, ServiceSource } from "./services.js";
export type { DemoInfo } from "./demo-info.js";
export { DemoNotInstalledError, isDemoNotInstalledError } from "./errors.js";
export type { DemoPackageProblem } from "./errors.js";
export { demoStateFile, readDemoState, writeDemoState, clearDemoState } from "./demo-state.js";
