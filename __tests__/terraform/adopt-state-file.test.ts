/**
 * `m2m adopt --finish --from-state` with the real `terraform state rm -state=... -backup=...` (which
 * needs no provider): the old state file loses exactly the adopted resources, and the backup is the
 * file as it was. Only `terraform show -json` of the new stack is faked, as that needs a deployment;
 * the e2e test runs --finish --from-dir against the emulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deriveAdoption, findDeployment, planAdoption } from '../../operator/adopt';
import { readStateFile } from '../../operator/terraform-state';
import { runCommand } from '../../terraform/runner';
import { createFakeProject, type FakeProject } from '../helpers/fakes/terraform';
import { ORIGINAL_STATE, originalState } from '../operator/old-states';
import { runCli } from '../helpers/run-cli';
import { describeWithTerraform } from './with-terraform';

describeWithTerraform('adopt --finish on a local state file, with real terraform', (tf) => {
  let project: FakeProject | undefined;
  afterAll(() => project?.remove());

  test('removes the four from the state file and keeps the file as it was as the backup', async () => {
    project = createFakeProject();
    const { dir } = project;
    const oldState = path.join(dir, 'old', 'terraform.tfstate');
    fs.mkdirSync(path.dirname(oldState));
    // An extra resource of the old configuration, which must stay in its state.
    const state = originalState();
    state.resources.push({
      mode: 'managed',
      type: 'aws_cognito_user_group',
      name: 'admins',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ attributes: { id: 'admins', name: 'admins' } }],
    });
    fs.writeFileSync(oldState, JSON.stringify(state, null, 2));
    const before = fs.readFileSync(oldState, 'utf8');
    // The deployed stack: its state holds the same resources (the fixture, as Terraform shows it).
    project.addStack('m2m-auth-dev');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'terraform'),
      `#!/bin/sh\nif [ "$1" = show ]; then cat "${ORIGINAL_STATE}"; else exec "${tf().terraform}" "$@"; fi\n`,
      { mode: 0o755 },
    );
    const adopt = (args: string[]) =>
      runCli(['adopt', ...args, '--from-state', 'old/terraform.tfstate'], {
        cwd: dir,
        path: `${bin}:/usr/bin:/bin`,
        env: { TF_CLI_CONFIG_FILE: tf().cliConfig.file, CHECKPOINT_DISABLE: '1' },
      });

    const cdktfJson = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8'));
    const { context } = planAdoption(
      cdktfJson.context,
      deriveAdoption(findDeployment(readStateFile(oldState))),
    );
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, context }));
    const finish = await adopt(['--finish']);
    expect({ code: finish.code, stderr: finish.stderr }).toEqual({ code: 0, stderr: '' });

    const backup = /Backed up the old state to (.+)\.\n/.exec(finish.stdout)?.[1] ?? '';
    expect(fs.readFileSync(path.join(dir, backup), 'utf8')).toBe(before);
    const list = await runCommand(tf().terraform, ['state', 'list', `-state=${oldState}`], {
      cwd: path.dirname(oldState),
      env: { ...process.env, TF_CLI_CONFIG_FILE: tf().cliConfig.file, CHECKPOINT_DISABLE: '1' },
    });
    expect({ code: list.code, resources: list.stdout.trim() }).toEqual({
      code: 0,
      resources: 'aws_cognito_user_group.admins',
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')).context.imports).toBeUndefined();
  });
});
