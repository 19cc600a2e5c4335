import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../../terraform/runner';
import { emptyState, runApp, tempProjects } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

describeWithTerraform('the local state file', (tf) => {
  const tempProject = tempProjects();
  test('lands at the project root, outside cdktf.out, and survives a deleted cdktf.out', async () => {
    const project = tempProject({});
    expect((await runApp(project)).code).toBe(0);
    const stackDir = path.join(project, 'cdktf.out', 'stacks', 'm2m-auth-dev');
    const env = { ...process.env, TF_CLI_CONFIG_FILE: tf().cliConfig.file, CHECKPOINT_DISABLE: '1' };
    const terraform = (args: string[]) => runCommand(tf().terraform, args, { cwd: stackDir, env });

    // Initialise the stack's real (local) backend, then have Terraform write a state through it.
    const init = await terraform(['init', '-input=false', '-no-color']);
    expect(init.stderr).toBe('');
    const state = emptyState();
    fs.writeFileSync(path.join(project, 'seed.tfstate'), JSON.stringify(state));
    const push = await terraform(['state', 'push', path.join(project, 'seed.tfstate')]);
    expect(push.stderr).toBe('');

    const stateFile = path.join(project, 'terraform.m2m-auth-dev.tfstate');
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).lineage).toBe(state.lineage);
    expect(fs.existsSync(path.join(stackDir, 'terraform.tfstate'))).toBe(false);

    fs.rmSync(path.join(project, 'cdktf.out'), { recursive: true });
    expect(fs.existsSync(stateFile)).toBe(true);
  });
});
