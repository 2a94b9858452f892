import { strict as assert } from "node:assert";
import { isInvalidArgumentError } from "../../lib/errors";
import { toIncludeFilter } from "../../lib/xnat/include";

describe("xnat: include globs over the paths below a download's target folder", () => {
  const keys = ["scans/2/DICOM/100307_3T.MR.T1w_MPR1.2.0001.dcm", "scans/2/NIFTI/100307_3T_T1w_MPR1.nii", "scans/9/NIFTI/100307_3T_tfMRI_MOTOR_LR.nii", "resources/NOTES/physio/tfMRI_MOTOR_LR_Physio_log.txt", "resources/NOTES/session_notes.txt"];
  const kept = (include: string | string[] | undefined) => keys.filter(toIncludeFilter(include));

  it("a pattern without / matches the file name wherever it lies; one with / the whole path", () => {
    assert.deepEqual(kept("*.nii"), [keys[1], keys[2]]);
    assert.deepEqual(kept("scans/*/NIFTI/*.nii"), [keys[1], keys[2]]);
    assert.deepEqual(kept("NIFTI/*.nii"), [], "a path pattern is anchored at the target folder");
    assert.deepEqual(kept("resources/NOTES/**"), [keys[3], keys[4]]);
    assert.deepEqual(kept("**/*_log.txt"), [keys[3]]);
  });

  it("takes the library's glob syntax: classes, alternatives, escapes; several patterns keep what any matches", () => {
    assert.deepEqual(kept("scans/[29]/NIFTI/*"), [keys[1], keys[2]]);
    assert.deepEqual(kept("*_{T1w_MPR1,none}.nii"), [keys[1]]);
    assert.deepEqual(kept(["*.dcm", "session_notes.txt"]), [keys[0], keys[4]]);
    assert.deepEqual(kept(undefined), keys);
    assert.deepEqual(kept([]), keys);
  });

  it("refuses empty, absolute and malformed patterns with InvalidArgumentError naming the pattern", () => {
    for (const bad of ["", " ", "/scans/**", "scans**/x", "scans/[29/x", "scans/{2,9"]) {
      assert.throws(() => toIncludeFilter(bad), (e: unknown) => isInvalidArgumentError(e) && (bad.trim() === "" || e.message.includes(JSON.stringify(bad))), bad);
    }
  });
});
