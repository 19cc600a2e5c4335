/**
 * The app: one stack per environment in cdktf.json's context, each named m2m-auth-<environment>.
 * The infrastructure lives in constructs/, the settings in config/.
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import { ConfigError, parseSettings, readContext } from './config/load';
import { M2mAuthStack } from './constructs/m2m-auth-stack';

function main(): void {
  // Settings first: a bad value stops the synth before anything is written.
  const { environments, ...settings } = parseSettings(readContext());
  const app = new App();
  const outdir = path.relative(process.cwd(), app.outdir) || '.';
  for (const environmentName of environments) {
    new M2mAuthStack(app, `m2m-auth-${environmentName}`, { environmentName, settings, outdir });
  }
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Every problem at once, one line each, and no stack trace: the message is the whole story.
  for (const problem of error.problems) console.error(`Error: ${problem}`);
  process.exitCode = 1;
}
