import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../../terraform-check/terraform';
import { startFakeSts } from '../helpers/fake-sts';
import { tempProjects } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

describeWithTerraform('npx cdktf diff', (tf) => {
  const tempProject = tempProjects();
  test('synthesizes, initialises and plans through the CDKTF CLI, offline', async () => {
    const project = tempProject({ environments: ['dev'] });
    const sts = await startFakeSts();
    try {
      // --skip-provider-lock: `terraform providers lock` asks the registry, whatever the CLI config says.
      // --disable-plugin-cache-env: keep our CLI config's plugin cache instead of cdktf's default one.
      const result = await runCommand(
        'npx',
        ['cdktf', 'diff', '--skip-provider-lock', '--disable-plugin-cache-env', '--no-color'],
        {
          cwd: project,
          env: {
            ...process.env,
            TF_CLI_CONFIG_FILE: tf().cliConfig.file,
            CHECKPOINT_DISABLE: '1',
            CI: '1',
            // Dummy credentials, checked by the fake STS instead of AWS.
            AWS_ACCESS_KEY_ID: 'offline-check',
            AWS_SECRET_ACCESS_KEY: 'offline-check',
            AWS_SESSION_TOKEN: '',
            AWS_PROFILE: '',
            AWS_ENDPOINT_URL_STS: sts.url,
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        },
      );
      const output = result.stdout + result.stderr;
      expect({ code: result.code, output }).toEqual({
        code: 0,
        output: expect.stringContaining('Plan: 4 to add, 0 to change, 0 to destroy.'),
      });
      expect(sts.requests.map((r) => r.action)).toContain('GetCallerIdentity');
      // cdktf diff ran terraform in the stack folder; the state path still points at the project root.
      expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', 'm2m-auth-dev', '.terraform'))).toBe(
        true,
      );
    } finally {
      await sts.close();
    }
  });
});
