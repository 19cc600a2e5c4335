import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runJest } from '../helpers/describe-needing';
import { REQUIRE_TERRAFORM } from './with-terraform';

/** Runs one Terraform suite in a fresh jest with terraform hidden from PATH. */
async function runWithoutTerraform(extraEnv: NodeJS.ProcessEnv) {
  const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-no-terraform-'));
  const { [REQUIRE_TERRAFORM]: _unset, ...inherited } = process.env;
  try {
    return await runJest('terraform', 'local-state', { ...inherited, PATH: emptyPath, ...extraEnv });
  } finally {
    fs.rmSync(emptyPath, { recursive: true, force: true });
  }
}

describe('where terraform is not installed', () => {
  test.concurrent('the Terraform checks skip, saying why', async () => {
    const result = await runWithoutTerraform({});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Skipping "the local state file": terraform is not on PATH');
    expect(result.stderr).toMatch(/Tests: +1 skipped, 1 total/);
  });

  test.concurrent(`the skip becomes a failure with ${REQUIRE_TERRAFORM}=1, as in CI`, async () => {
    const result = await runWithoutTerraform({ [REQUIRE_TERRAFORM]: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `terraform is not on PATH, and ${REQUIRE_TERRAFORM}=1 requires the Terraform checks to run`,
    );
    expect(result.stderr).toMatch(/Tests: +1 failed, 1 total/);
  });
});
