import { strict as assert } from "node:assert";
import { isInvalidArgumentError } from "../../lib/errors";
import { toGlobMatcher, toGlobRegExp } from "../../lib/cohort/glob";

describe("cohort: glob patterns over paths inside a subject folder", () => {
  const matches = (pattern: string, path: string) => toGlobRegExp(pattern).test(path);

  it("* stays within a segment, ? is one character, a pattern matches the whole path", () => {
    const motion = "MNINonLinear/Results/tfMRI_MOTOR_*/Movement_Regressors.txt";
    assert.ok(matches(motion, "MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt"));
    assert.ok(matches(motion, "MNINonLinear/Results/tfMRI_MOTOR_RL/Movement_Regressors.txt"));
    assert.ok(!matches(motion, "MNINonLinear/Results/tfMRI_WM_LR/Movement_Regressors.txt"));
    assert.ok(!matches(motion, "MNINonLinear/Results/tfMRI_MOTOR_LR/sub/Movement_Regressors.txt"), "* does not cross /");
    assert.ok(!matches(motion, "MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt.bak"), "whole path only");
    assert.ok(!matches(motion, "x/MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt"));
    assert.ok(matches("T1w/T?w_acpc_dc_restore.nii.gz", "T1w/T2w_acpc_dc_restore.nii.gz"));
    assert.ok(!matches("T1w/T?w_acpc_dc_restore.nii.gz", "T1w/T12w_acpc_dc_restore.nii.gz"));
  });

  it("** spans any number of segments, none included", () => {
    assert.ok(matches("**/Movement_Regressors.txt", "Movement_Regressors.txt"));
    assert.ok(matches("**/Movement_Regressors.txt", "MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt"));
    assert.ok(matches("MNINonLinear/**/EVs/*.txt", "MNINonLinear/Results/tfMRI_MOTOR_LR/EVs/lf.txt"));
    assert.ok(matches("MNINonLinear/**/EVs/*.txt", "MNINonLinear/EVs/lf.txt"));
    assert.ok(matches("T1w/**", "T1w/Diffusion/bvals"));
    assert.ok(!matches("T1w/**", "T1wX/a"));
  });

  it("classes, alternatives and escapes; regular-expression characters are literal", () => {
    assert.ok(matches("MNINonLinear/Results/tfMRI_MOTOR_{LR,RL}/Movement_*.txt", "MNINonLinear/Results/tfMRI_MOTOR_RL/Movement_RelativeRMS.txt"));
    assert.ok(!matches("MNINonLinear/Results/tfMRI_MOTOR_{LR,RL}/Movement_*.txt", "MNINonLinear/Results/tfMRI_MOTOR_XX/Movement_RelativeRMS.txt"));
    assert.ok(matches("EVs/[lr][fh].txt", "EVs/lf.txt"));
    assert.ok(!matches("EVs/[lr][fh].txt", "EVs/t.txt"));
    assert.ok(matches("EVs/[!c]*.txt", "EVs/lf.txt"));
    assert.ok(!matches("EVs/[!c]*.txt", "EVs/cue.txt"));
    assert.ok(matches("a+b(1)-x_$^|.txt", "a+b(1)-x_$^|.txt"));
    assert.ok(matches("release-notes/*", "release-notes/Structural_preproc.txt"));
    assert.ok(matches("[a-c]-[!-]", "b-x"));
    assert.ok(!matches("a.txt", "abtxt"), ". is literal");
    assert.ok(matches("\\*.txt", "*.txt"));
    assert.ok(!matches("\\*.txt", "a.txt"));
    assert.ok(matches("{a,{b,c}}/x", "c/x"));
  });

  it("refuses malformed and absolute patterns with InvalidArgumentError naming the pattern", () => {
    for (const bad of ["", "  ", "/MNINonLinear/*", "a**/b", "a/**b", "EVs/[lr.txt", "x/{a,b", "x}", "tail\\"]) {
      assert.throws(() => toGlobRegExp(bad), (e: unknown) => isInvalidArgumentError(e) && (bad.trim() === "" || e.message.includes(JSON.stringify(bad))), bad);
    }
    assert.throws(() => toGlobMatcher([]), isInvalidArgumentError);
  });

  it("a matcher accepts a path when any pattern matches", () => {
    const matcher = toGlobMatcher(["MNINonLinear/Results/*/Movement_Regressors.txt", "T1w/T1w_acpc_dc_restore.nii.gz"]);
    assert.ok(matcher("T1w/T1w_acpc_dc_restore.nii.gz"));
    assert.ok(matcher("MNINonLinear/Results/tfMRI_MOTOR_LR/Movement_Regressors.txt"));
    assert.ok(!matcher("T1w/T2w_acpc_dc_restore.nii.gz"));
  });
});
