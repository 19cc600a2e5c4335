import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTerraform } from '../../terraform/runner';
import { runJest } from '../helpers/describe-needing';
import { REQUIRE_EMULATOR } from '../helpers/emulator';

jest.setTimeout(120_000);

/** Runs the emulator's own test file in a fresh jest, with terraform but not moto_server on PATH. */
async function runWithoutMoto(extraEnv: NodeJS.ProcessEnv) {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-no-moto-'));
  try {
    const terraform = findTerraform();
    if (terraform) fs.symlinkSync(terraform, path.join(bin, 'terraform'));
    const { [REQUIRE_EMULATOR]: _unset, ...inherited } = process.env;
    return await runJest('e2e', 'emulator.test', { ...inherited, PATH: bin, ...extraEnv });
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe('where moto_server is not installed', () => {
  const reason = findTerraform() ? 'moto_server is not on PATH' : 'terraform is not on PATH';

  test.concurrent('the end-to-end tests skip, saying why', async () => {
    const result = await runWithoutMoto({});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Skipping "the AWS emulator": ${reason}`);
    expect(result.stderr).toMatch(/Tests: +3 skipped, 3 total/);
  });

  test.concurrent(`the skip becomes a failure with ${REQUIRE_EMULATOR}=1, as in CI`, async () => {
    const result = await runWithoutMoto({ [REQUIRE_EMULATOR]: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`and ${REQUIRE_EMULATOR}=1 requires the end-to-end tests to run`);
    expect(result.stderr).toMatch(/Tests: +1 failed, 1 total/);
  });
});
