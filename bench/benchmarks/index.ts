import type { Benchmark } from "../core/context.js";
import { allenPaging } from "./allen-paging.js";
import { cohortDownload } from "./cohort-download.js";
import { cohortPlan } from "./cohort-plan.js";
import { notebooks } from "./notebooks.js";
import { s3Download } from "./s3-download.js";
import { searchFrame } from "./search-frame.js";
import { xmlParse } from "./xml-parse.js";
import { xnatSearch } from "./xnat-search.js";
import { xnatWalk } from "./xnat-walk.js";

/** Every benchmark, in the order the report lists them. */
export const allBenchmarks: Benchmark[] = [xnatSearch, xnatWalk, xmlParse, searchFrame, allenPaging, s3Download, cohortDownload, cohortPlan, notebooks];
