/**
 * `npm run diff|deploy|destroy`: the cdktf CLI with no call home, and, on a machine whose Terraform has
 * no CLI configuration but which keeps the AWS provider in a mirror (an air-gapped network), a CLI
 * configuration that installs from that mirror. A configuration of your own always wins.
 */
import * as path from 'node:path';
import { type MirrorFallback, withMirrorFallback } from './cli-config';
import { runAttached } from './runner';

async function main(args: readonly string[]): Promise<void> {
  let fallback: MirrorFallback;
  try {
    fallback = withMirrorFallback({ ...process.env, CHECKPOINT_DISABLE: '1' });
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (fallback.mirror) {
    process.stderr.write(
      `Installing the AWS provider from the mirror ${fallback.mirror}: Terraform has no CLI configuration (TF_CLI_CONFIG_FILE or ~/.terraformrc)\n`,
    );
  }
  const cdktf = path.join(__dirname, '..', 'node_modules', '.bin', 'cdktf');
  try {
    process.exitCode = await runAttached(cdktf, args, { env: fallback.env });
  } catch (error) {
    process.stderr.write(`error: cannot run the cdktf CLI (${(error as Error).message}): run npm ci first\n`);
    process.exitCode = 1;
  } finally {
    fallback.dispose();
  }
}

void main(process.argv.slice(2));
