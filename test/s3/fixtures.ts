import { startS3Demo, S3DemoOptions } from "../../demo/src/s3/index";
import type { RunningService } from "../../demo/src/types";
import type { S3DemoInfo } from "../../demo/src/s3/index";

export const SEED_Q1_LISTING = [
  "q1/", "q1/100307/", "q1/103515/", "q1/103818/", "q1/111312/", "q1/114924/", "q1/117122/", "q1/118932/", "q1/119833/", "q1/120212/",
  "q1/125525/", "q1/128632/", "q1/130013/", "q1/131621/", "q1/137128/", "q1/138231/", "q1/142828/", "q1/143325/", "q1/144226/", "q1/149337/",
  "q1/150423/", "q1/153429/", "q1/156637/", "q1/159239/", "q1/161731/", "q1/162329/", "q1/167743/", "q1/172332/", "q1/182739/", "q1/191437/",
  "q1/192439/", "q1/192540/", "q1/194140/", "q1/197550/", "q1/199150/", "q1/199251/", "q1/200614/", "q1/201111/", "q1/210617/", "q1/217429/",
  "q1/249947/", "q1/250427/", "q1/255639/", "q1/304020/", "q1/307127/", "q1/329440/", "q1/355542/", "q1/499566/", "q1/530635/", "q1/559053/",
  "q1/585862/", "q1/611231/", "q1/638049/", "q1/665254/", "q1/672756/", "q1/685058/", "q1/729557/", "q1/732243/", "q1/792564/", "q1/826353/",
  "q1/856766/", "q1/859671/", "q1/861456/", "q1/865363/", "q1/877168/", "q1/889579/", "q1/894673/", "q1/896778/", "q1/896879/", "q1/901139/",
  "q1/917255/", "q1/937160/",
];
export const SEED_SUBJECT_LISTING = ["q1/100307/.xdlm/", "q1/100307/Diffusion/", "q1/100307/MNINonLinear/", "q1/100307/T1w/", "q1/100307/release-notes/", "q1/100307/unprocessed/"];
export const MOTOR_PREFIX = "q1/100307/MNINonLinear/Results/tfMRI_MOTOR_LR/";

export { tempDir, filesUnder } from "../helpers/files.js";

/** Starts a demo bucket for one test file. */
export async function demo(options: S3DemoOptions = {}): Promise<RunningService<S3DemoInfo>> {
  return startS3Demo(options);
}

export { faultProxy, type Fault } from "../helpers/proxies.js";
export { MAINTENANCE_PAGE } from "../helpers/hostile.js";
