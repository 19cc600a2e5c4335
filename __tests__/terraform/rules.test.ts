import { type Rule, variableRules } from '../../config/rules';
import { runCommand } from '../../terraform-check/terraform';
import { describeWithTerraform } from './with-terraform';

// Values on both sides of every rule, and some that differ between regex dialects or string lengths.
const SAMPLES: Record<keyof typeof variableRules, string[]> = {
  environmentName: ['dev', 'test', 'prod', 'qa', 'Dev', '', 'prod '],
  awsRegion: [
    'us-east-1',
    'eu-central-2',
    'us-gov-west-1',
    'ap-southeast-7',
    'cn-north-1',
    'moon-1',
    'US-EAST-1',
    'us-east',
    'us-east-1 ',
  ],
  userPoolNamePrefix: [
    'machine-to-machine',
    'Payments API',
    'a/b',
    '',
    ' ',
    'x'.repeat(113),
    'x'.repeat(114),
    'émile',
    'tab\there',
    'a+b=c,d.e@f_g',
  ],
  domainPrefix: [
    'm2m-rubicon',
    'M2m',
    'm2m_r',
    '-abc',
    'abc-',
    'a',
    'a--b',
    'my-aws-x',
    'amazonia',
    'xcognito',
    'a'.repeat(53),
    'a'.repeat(54),
    '',
  ],
  projectTag: ['m2m-auth', '', '  ', 'x'.repeat(256), 'x'.repeat(257), '😀'.repeat(256), '😀'.repeat(257)],
};

/** An HCL string literal, as rules.ts writes them. */
const literal = (value: string) => JSON.stringify(value);

describeWithTerraform('validation rules', (tf) => {
  test('Terraform and the synth-time check agree on every sample value', async () => {
    const cases = Object.entries(SAMPLES).flatMap(([setting, values]) =>
      (variableRules[setting as keyof typeof variableRules] as readonly Rule[]).flatMap((rule) =>
        values.map((value) => ({ setting, rule, value })),
      ),
    );
    // One console session evaluates them all: a JSON list of booleans.
    const expression = `jsonencode([${cases.map(({ rule, value }) => rule.condition(literal(value))).join(', ')}])`;
    const result = await runCommand(tf().terraform, ['console'], {
      cwd: tf().scratch,
      env: { ...process.env, TF_CLI_CONFIG_FILE: tf().cliConfig.file, CHECKPOINT_DISABLE: '1' },
      input: `${expression}\n`,
    });
    expect(result.stderr).toBe('');
    const inTerraform = JSON.parse(JSON.parse(result.stdout.trim())) as boolean[];
    expect(inTerraform).toHaveLength(cases.length);
    const disagreements = cases
      .map(({ setting, rule, value }, index) => ({
        setting,
        rule: rule.description,
        value,
        terraform: inTerraform[index],
        synth: rule.test(value),
      }))
      .filter((c) => c.terraform !== c.synth);
    expect(disagreements).toEqual([]);
    // Every rule both accepts and rejects something here, or the samples prove little.
    for (const { rule } of cases) {
      const verdicts = new Set(cases.filter((c) => c.rule === rule).map((c) => c.rule.test(c.value)));
      expect([rule.description, verdicts.size]).toEqual([rule.description, 2]);
    }
  });
});
