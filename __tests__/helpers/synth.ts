import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type App, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { parseSettings } from '../../config/load';
import { stackOutputNames } from '../../constructs/m2m-auth-outputs';
import { M2mAuthStack } from '../../constructs/m2m-auth-stack';
import type { EnvironmentName } from '../../constructs/rules';

/** The synthesized Terraform JSON of one stack, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TerraformJson = Record<string, any>;

// cdktf's matchers (toHaveResourceWithProperties, ...), registered only where synth tests need them:
// loading cdktf in every test file would slow all of them.
Testing.setupJest();

// cdktf's App creates its output folder even though Testing.synth writes nothing there: one per test
// file, made when first needed and removed after the file's tests.
let outdir: string | undefined;
afterAll(() => {
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

/** An App for synth tests, without the temporary folder Testing.app() would leave behind. */
export function testApp(): App {
  outdir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-test-'));
  return Testing.app({ outdir });
}

/** Testing.synthScope on a testApp(): the JSON of a stack holding what `build` adds. */
export function synthScope(build: (scope: Construct) => void): string {
  const stack = new TerraformStack(testApp(), 'stack');
  build(stack);
  return Testing.synth(stack);
}

/** Synthesizes the stack main.ts would build for `environment` from a cdktf.json context. */
export function synthStack(context: Record<string, unknown> = {}, environment: EnvironmentName = 'dev') {
  const { environments: _environments, ciAccess: _ciAccess, imports, ...settings } = parseSettings(context);
  const app = testApp();
  const stack = new M2mAuthStack(app, `m2m-auth-${environment}`, {
    ...settings,
    environmentName: environment,
    imports: imports?.[environment],
  });
  const json = Testing.synth(stack);
  return { stack, json, tf: JSON.parse(json) as TerraformJson };
}

/** The only resource of `type` in the configuration (fails the test when there are several). */
export function onlyResource(tf: TerraformJson, type: string): TerraformJson {
  const resources = Object.values(tf.resource?.[type] ?? {}) as TerraformJson[];
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0];
}

/** The address ("type.name") of the only resource of `type`, as other resources reference it. */
export function addressOf(tf: TerraformJson, type: string): string {
  onlyResource(tf, type);
  return `${type}.${Object.keys(tf.resource[type])[0]}`;
}

/** The outputs every stack has (the secret ARNs come with stored credentials). */
export const STACK_OUTPUTS: string[] = stackOutputNames();
