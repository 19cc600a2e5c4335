/**
 * The app: one stack per environment in cdktf.json's context, each named m2m-auth-<environment>.
 * The infrastructure lives in constructs/, the settings in config/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Manifest } from 'cdktf';
import { ConfigError, parseSettings, readContext } from './config/load';
import { CiAccessStack } from './constructs/ci-access-stack';
import { M2mAuthStack, stackName } from './constructs/m2m-auth-stack';
import { PROVIDER_LOCK_FILE } from './terraform/provider-installation';

function main(): void {
  // Settings first: a bad value stops the synth before anything is written.
  const { environments, ciAccess, imports, ...settings } = parseSettings(readContext());
  // The workflows set it: a state file on a CI runner is gone with the runner, and the roles allow S3 only.
  if (process.env.M2M_AUTH_REQUIRE_REMOTE_STATE === '1' && !settings.remoteState) {
    throw new ConfigError([
      'cdktf.json context.remoteState is required where M2M_AUTH_REQUIRE_REMOTE_STATE=1 (the CI workflows): set { "bucket": ... } as the README\'s "Run it from CI" shows',
    ]);
  }
  const app = new App();
  const outdir = path.relative(process.cwd(), app.outdir) || '.';
  for (const environmentName of environments) {
    new M2mAuthStack(app, stackName(environmentName), {
      ...settings,
      environmentName,
      imports: imports?.[environmentName],
      outdir,
    });
  }
  // The settings schema lets ciAccess through only with remoteState.
  const { remoteState } = settings;
  if (ciAccess && remoteState) {
    new CiAccessStack(app, 'm2m-auth-ci-access', {
      ...ciAccess,
      region: settings.awsRegion,
      environments,
      projectTag: settings.projectTag,
      remoteState,
      outdir,
    });
  }
  app.synth();
  // With a lock file in its folder, terraform init installs exactly the locked, checksummed provider,
  // and cdktf deploy skips `terraform providers lock`, which asks the registry even where a mirror is set.
  for (const stack of Object.values(app.manifest.stacks)) {
    fs.copyFileSync(PROVIDER_LOCK_FILE, path.join(app.outdir, stack.workingDirectory, '.terraform.lock.hcl'));
  }
  // Run by npm run synth rather than by the cdktf CLI: do what the CLI does after synth.
  if (!process.env.CDKTF_OUTDIR) {
    const stacksDir = path.join(app.outdir, Manifest.stacksFolder);
    for (const orphan of fs
      .readdirSync(stacksDir)
      .filter((name) => !Object.hasOwn(app.manifest.stacks, name))) {
      fs.rmSync(path.join(stacksDir, orphan), { recursive: true, force: true }); // an environment removed from cdktf.json
    }
    console.log(
      `Synthesized ${Object.keys(app.manifest.stacks).join(', ')} into ${path.relative(process.cwd(), stacksDir)}`,
    );
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
