/**
 * The app: one stack per environment in cdktf.json's context, each named m2m-auth-<environment>.
 * The infrastructure lives in constructs/, the settings in config/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { ConfigError, parseSettings, readContext } from './config/load';
import { M2mAuthStack } from './constructs/m2m-auth-stack';
import { PROVIDER_LOCK_FILE } from './terraform-check/provider-installation';

function main(): void {
  // Settings first: a bad value stops the synth before anything is written.
  const { environments, ...settings } = parseSettings(readContext());
  const app = new App();
  const outdir = path.relative(process.cwd(), app.outdir) || '.';
  const stacks = environments.map(
    (environmentName) =>
      new M2mAuthStack(app, `m2m-auth-${environmentName}`, { environmentName, settings, outdir }),
  );
  app.synth();
  // With a lock file in its folder, terraform init installs exactly the locked, checksummed provider,
  // and cdktf deploy skips `terraform providers lock`, which asks the registry even where a mirror is set.
  for (const stack of stacks) {
    const stackDir = path.join(app.outdir, app.manifest.forStack(stack).workingDirectory);
    fs.copyFileSync(PROVIDER_LOCK_FILE, path.join(stackDir, '.terraform.lock.hcl'));
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Every problem at once, one line each, and no stack trace: the message is the whole story.
  for (const problem of error.problems) console.error(`Error: ${problem}`);
  process.exitCode = 1;
}
