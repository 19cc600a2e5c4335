import { type OfflineTerraform, offlineTerraform } from '../../terraform/check-stacks';
import { describeNeeding } from '../helpers/describe-needing';

// Each terraform command loads the AWS provider (~1.5 s of CPU); a file's checks take tens of seconds.
jest.setTimeout(120_000);

/** Set by .ci/run: without terraform the checks fail instead of skipping. */
export const REQUIRE_TERRAFORM = 'M2M_AUTH_REQUIRE_TERRAFORM';

/**
 * A describe block that gets offline Terraform. Where terraform is not on PATH it is skipped, with
 * the reason in its name, unless M2M_AUTH_REQUIRE_TERRAFORM=1, which turns the skip into a failure.
 */
export function describeWithTerraform(name: string, body: (tf: () => OfflineTerraform) => void): void {
  const tf = offlineTerraform();
  const missing = tf ? undefined : 'terraform is not on PATH';
  const requirement = {
    missing,
    requiredBy: REQUIRE_TERRAFORM,
    needs: 'terraform',
    suite: 'the Terraform checks',
  };
  describeNeeding(name, requirement, () => {
    afterAll(() => tf?.dispose());
    body(() => {
      if (!tf) throw new Error(missing);
      return tf;
    });
  });
}
