/**
 * The end-to-end harness: a describe block that gets a fresh AWS emulator (moto on 127.0.0.1) and
 * offline Terraform, and stops the emulator by its PID when the block ends.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Emulator, EMULATOR_CREDENTIALS, findMotoPython, startEmulator } from '../../emulator/emulator';
import { type OfflineTerraform, offlineTerraform } from '../../terraform/check-stacks';
import { runCommand } from '../../terraform/runner';
import { describeNeeding } from './describe-needing';

// A deploy or destroy through the cdktf CLI takes 10 to 30 s on a busy machine; a file holds several.
jest.setTimeout(300_000);

/** Set by .ci/run: without moto or terraform the end-to-end tests fail instead of skipping. */
export const REQUIRE_EMULATOR = 'M2M_AUTH_REQUIRE_EMULATOR';

export interface EmulatorContext {
  readonly emulator: Emulator;
  readonly tf: OfflineTerraform;
  /**
   * The environment for anything that deploys: the emulator's endpoint and dummy keys, Terraform's CLI
   * configuration with the provider mirror, no call home, and nothing AWS- or TF_VAR-related of the caller.
   */
  readonly env: NodeJS.ProcessEnv;
}

/** Why the end-to-end tests cannot run here, if they cannot. */
function missingTool(tf: OfflineTerraform | undefined): string | undefined {
  if (!tf) return 'terraform is not on PATH';
  const moto = findMotoPython();
  return 'missing' in moto ? moto.missing : undefined;
}

/** The caller's environment without anything that could point a test at a real AWS account. */
export function isolatedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(AWS_|TF_VAR_|TF_CLI_CONFIG_FILE$|TF_DATA_DIR$|CDKTF_|M2M_)/.test(key),
    ),
  );
}

/**
 * A describe block with a running emulator. Where moto_server or terraform is missing it is skipped,
 * with the reason in its name, unless M2M_AUTH_REQUIRE_EMULATOR=1, which turns the skip into a failure.
 */
export function describeWithEmulator(name: string, body: (context: () => EmulatorContext) => void): void {
  const tf = offlineTerraform();
  const missing = missingTool(tf);
  if (missing) tf?.dispose();
  const requirement = {
    missing,
    requiredBy: REQUIRE_EMULATOR,
    needs: 'moto and terraform',
    suite: 'the end-to-end tests',
  };
  describeNeeding(name, requirement, () => {
    let context: EmulatorContext | undefined;
    beforeAll(async () => {
      const emulator = await startEmulator();
      context = {
        emulator,
        tf: tf!,
        env: {
          ...isolatedEnvironment(),
          ...emulator.env,
          TF_CLI_CONFIG_FILE: tf!.cliConfig.file,
          CHECKPOINT_DISABLE: '1',
          TF_IN_AUTOMATION: '1',
          CI: '1',
        },
      };
    });
    afterAll(async () => {
      await context?.emulator.stop();
      tf?.dispose();
    });
    body(() => {
      if (!context) throw new Error('the emulator is not running: use the context inside a test or hook');
      return context;
    });
  });
}

/**
 * terraform init in a stack folder with the synthesized S3 backend as it is, sent to the emulator by
 * AWS_ENDPOINT_URL; only path-style addressing is added, as an IP address has no bucket subdomains.
 */
export async function initWithEmulatorBackend(context: EmulatorContext, stackDir: string): Promise<void> {
  fs.writeFileSync(path.join(stackDir, 'emulator.s3.tfbackend'), 'use_path_style = true\n');
  const init = await runCommand(
    'terraform',
    ['init', '-input=false', '-no-color', '-backend-config=emulator.s3.tfbackend'],
    { cwd: stackDir, env: context.env },
  );
  if (init.code !== 0) throw new Error(init.stderr);
}

/** Settings for an AWS SDK client that talks to the emulator. */
export function sdkConfig(context: EmulatorContext, region = 'us-east-1') {
  return {
    endpoint: context.emulator.url,
    region,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  };
}
