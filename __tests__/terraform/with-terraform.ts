import { type OfflineTerraform, offlineTerraform } from '../../terraform-check/check-stacks';

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
  if (!tf) {
    const reason = 'terraform is not on PATH';
    if (process.env[REQUIRE_TERRAFORM] === '1') {
      describe(name, () => {
        test(`needs terraform (${REQUIRE_TERRAFORM}=1)`, () => {
          throw new Error(`${reason}, and ${REQUIRE_TERRAFORM}=1 requires the Terraform checks to run`);
        });
      });
    } else {
      process.stderr.write(`Skipping "${name}": ${reason}\n`);
      describe.skip(`${name} [skipped: ${reason}]`, () => body(() => tf as never));
    }
    return;
  }
  describe(name, () => {
    afterAll(() => tf.dispose());
    body(() => tf);
  });
}
