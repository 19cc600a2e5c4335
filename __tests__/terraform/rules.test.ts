import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { asTerraformSees, type Rule } from '../../constructs/rules';
import { runCommand } from '../../terraform/runner';
import { EDGE_VALUES, RULES, type RuleSet, VERDICTS } from '../constructs/rule-cases';
import { testApp } from '../helpers/synth';
import { describeWithTerraform } from './with-terraform';

interface Case {
  readonly ruleSet: RuleSet;
  readonly rule: Rule;
  readonly value: string;
}

/** Every rule on every value of its verdict table and on every edge value. */
const CASES: Case[] = (Object.keys(RULES) as RuleSet[]).flatMap((ruleSet) =>
  [...new Set([...VERDICTS[ruleSet].map(([value]) => value), ...EDGE_VALUES])].flatMap((value) =>
    RULES[ruleSet].map((rule) => ({ ruleSet, rule, value })),
  ),
);
const VALUES = [...new Set(CASES.map((c) => c.value))];

describeWithTerraform('validation rules', (tf) => {
  let seen: string[];
  let acceptedByTerraform: boolean[];

  beforeAll(async () => {
    // Each value reaches Terraform as a variable default, as cdktf.json settings do, and each rule's
    // condition is evaluated on that variable as a validation block would: one console call for all.
    const stack = new TerraformStack(testApp(), 'rules');
    VALUES.forEach(
      (value, index) => new TerraformVariable(stack, `value_${index}`, { type: 'string', default: value }),
    );
    const variable = (value: string) => `var.value_${VALUES.indexOf(value)}`;
    const configuration = JSON.parse(Testing.synth(stack));
    configuration.locals = {
      seen: `\${[${VALUES.map(variable).join(', ')}]}`,
      verdicts: `\${[${CASES.map(({ rule, value }) => rule.condition(variable(value))).join(', ')}]}`,
    };
    const dir = path.join(tf().scratch, 'rules');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(configuration));
    const result = await runCommand(tf().terraform, ['console'], {
      cwd: dir,
      env: { ...process.env, TF_CLI_CONFIG_FILE: tf().cliConfig.file, CHECKPOINT_DISABLE: '1' },
      // Base64: the console prints strings in HCL's quoting (with $${ and \\u escapes), not JSON's.
      input: 'base64encode(jsonencode({ seen = local.seen, verdicts = local.verdicts }))\n',
    });
    expect(result.stderr).toBe('');
    const printed = JSON.parse(result.stdout.trim()) as string;
    ({ seen, verdicts: acceptedByTerraform } = JSON.parse(Buffer.from(printed, 'base64').toString('utf8')));
  });

  test('Terraform holds each value as the synth-time check sees it (NFC, lone surrogates as U+FFFD)', () => {
    expect(seen).toEqual(VALUES.map(asTerraformSees));
  });

  test(`Terraform and the synth-time check agree on all ${CASES.length} cases`, () => {
    expect(acceptedByTerraform).toHaveLength(CASES.length);
    const disagreements = CASES.map(({ ruleSet, rule, value }, index) => ({
      ruleSet,
      rule: rule.description,
      value,
      synth: rule.test(value),
      terraform: acceptedByTerraform[index],
    })).filter((c) => c.synth !== c.terraform);
    expect(disagreements).toEqual([]);
  });

  test.each(Object.keys(VERDICTS) as RuleSet[])(
    '%s answers in Terraform as its verdict table says',
    (ruleSet) => {
      const wrong = VERDICTS[ruleSet]
        .map(([value, accepted]) => ({
          value,
          accepted,
          terraform: CASES.every(
            (c, index) => c.ruleSet !== ruleSet || c.value !== value || acceptedByTerraform[index],
          ),
        }))
        .filter((verdict) => verdict.terraform !== verdict.accepted);
      expect(wrong).toEqual([]);
    },
  );
});
