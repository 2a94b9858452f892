export { mapLimit } from "./map-limit.js";
