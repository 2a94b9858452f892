export { services, isRealMode, REAL_SERVICES } from "./services.js";
export type { Services, ServiceSource, ServicesOptions } from "./services.js";
export type { AllenService, XnatService, S3Service, ServiceEntry, ServiceOrigin } from "./service-entries.js";
export type { DemoInfo } from "./demo-info.js";
export { DemoNotInstalledError, isDemoNotInstalledError } from "./errors.js";
export type { DemoPackageProblem } from "./errors.js";
export { demoStateFile, readDemoState, writeDemoState, clearDemoState } from "./demo-state.js";
