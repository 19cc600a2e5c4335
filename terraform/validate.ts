/**
 * npm run validate: synthesizes the app into a scratch folder and runs terraform init, validate and
 * plan on every stack, offline. One line per stack; exit 1 when any fails.
 */
import * as path from 'node:path';
import { checkStack, offlineTerraform } from './check-stacks';
import { synthesizeApp } from './synthesize';
import { TERRAFORM_INSTALL_URL } from './runner';

async function main(): Promise<number> {
  const projectDir = path.resolve(__dirname, '..');
  let tf;
  try {
    tf = offlineTerraform();
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return 1;
  }
  if (!tf) {
    console.error(`✗ terraform is not on PATH: install Terraform >= 1.10 (${TERRAFORM_INSTALL_URL})`);
    return 1;
  }
  try {
    const stacks = synthesizeApp(projectDir, path.join(tf.scratch, 'cdktf.out'));
    const source = tf.cliConfig.mirror
      ? `provider mirror ${tf.cliConfig.mirror}`
      : 'providers from the registry';
    const count = stacks.length === 1 ? '1 stack' : `${stacks.length} stacks`;
    console.log(`Checking ${count} with ${tf.terraform} and ${source}`);
    let failed = 0;
    for (const stack of stacks) {
      const check = await checkStack(tf, stack.name, stack.dir);
      const versions = check.versions
        ? ` [terraform ${check.versions.terraform}, ${Object.entries(check.versions.providers)
            .map(([p, v]) => `${p.replace('registry.terraform.io/', '')} ${v}`)
            .join(', ')}]`
        : '';
      console.log(
        `${check.ok ? '✓' : '✗'} ${check.stack}: init, validate, plan: ${check.summary} (${check.seconds.toFixed(1)} s)${versions}`,
      );
      for (const diagnostic of check.diagnostics) {
        console.log(`    ${diagnostic.severity}: ${diagnostic.summary}: ${diagnostic.detail.split('\n')[0]}`);
      }
      if (!check.ok) failed++;
    }
    return failed === 0 ? 0 : 1;
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    return 1;
  } finally {
    tf.dispose();
  }
}

main().then((code) => (process.exitCode = code));
