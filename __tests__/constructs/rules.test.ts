import {
  asTerraformSees,
  brokenRules,
  hasLoneSurrogate,
  hclString,
  oneOf,
  stackEnvironment,
  validateLiteral,
} from '../../constructs/rules';
import { RULES, type RuleSet, VERDICTS } from './rule-cases';

const ruleSets = Object.keys(RULES) as RuleSet[];

describe('the synth-time side of every rule', () => {
  test.each(ruleSets)('%s accepts and refuses what its verdict table says', (ruleSet) => {
    const wrong = VERDICTS[ruleSet]
      .map(([value, accepted]) => ({
        value,
        accepted,
        synth: brokenRules(value, RULES[ruleSet]).length === 0,
      }))
      .filter((verdict) => verdict.synth !== verdict.accepted);
    expect(wrong).toEqual([]);
  });

  test.each(ruleSets)('each rule of %s is the only one to refuse some value of the table', (ruleSet) => {
    const rules = RULES[ruleSet];
    const withoutSoleRefusal = rules
      .filter((rule) =>
        VERDICTS[ruleSet].every(([value]) => {
          const broken = brokenRules(value, rules);
          return !(broken.length === 1 && broken[0] === rule);
        }),
      )
      .map((rule) => rule.description);
    expect(withoutSoleRefusal).toEqual([]);
  });
});

test("every rule's Terraform condition and message, as validation blocks and the rules check get them", () => {
  // The terraform project proves these agree with the synth side; this pins their text for review.
  const conditions = Object.fromEntries(
    ruleSets.map((ruleSet) => [
      ruleSet,
      RULES[ruleSet].map((rule) => `${rule.condition('var.x')}  # ${rule.description}`),
    ]),
  );
  expect(conditions).toMatchSnapshot();
});

describe('asTerraformSees', () => {
  test.each([
    ['e\u0301', '\u00e9'],
    ['\u212a', 'K'],
    ['\u037e', ';'],
    ['a\ud800b', 'a\ufffdb'],
    ['\udc00', '\ufffd'],
    ['😀', '😀'],
  ])('turns %j into %j, as Terraform does (NFC, U+FFFD for lone surrogates)', (value, seen) => {
    expect(asTerraformSees(value)).toBe(seen);
  });
});

describe('hclString', () => {
  test.each([
    ['plain', '"plain"'],
    ['${path.cwd}', '"$${path.cwd}"'],
    ['$${x}', '"$$${x}"'],
    ['%{ if true }x%{ endif }', '"%%{ if true }x%%{ endif }"'],
    ['"quoted" \\ back', '"\\"quoted\\" \\\\ back"'],
    ['tab\tline\ncr\r', '"tab\\tline\\ncr\\r"'],
    ['\f\v\u0000', '"\\u000c\\u000b\\u0000"'],
    ['\u00a0😀', '"\\u00a0\\U0001f600"'],
    // The edges of each escape: the last printable ASCII character, DEL, the last four-digit code point.
    ['~\u007f\uffff', '"~\\u007f\\uffff"'],
  ])('writes %j as %s', (value, literal) => {
    expect(hclString(value)).toBe(literal);
  });
});

test.each([
  ['\ud800abc', true],
  ['abc\udc00', true],
  ['a\ud83d\ude00b', false],
  ['abc', false],
])('hasLoneSurrogate(%j) is %p, wherever the half pair is', (value, lone) => {
  expect(hasLoneSurrogate(value)).toBe(lone);
});

test('oneOf with one value compares with ==, with several asks contains()', () => {
  expect(oneOf(['prod']).condition('var.x')).toBe('var.x == "prod"');
  expect(oneOf(['dev', 'prod']).condition('var.x')).toBe('contains(["dev", "prod"], var.x)');
  expect(oneOf(['dev', 'prod']).description).toBe('must be one of dev, prod');
});

test("a stack's environment rule accepts only its environment, and says how to deploy another", () => {
  const rule = stackEnvironment('prod', 'm2m-auth-prod');
  expect(['dev', 'test', 'prod'].filter((name) => rule.test(name))).toEqual(['prod']);
  expect(rule.description).toBe(
    'must be "prod" in stack m2m-auth-prod, whose state is prod\'s; to deploy another environment, add it to "environments" in cdktf.json, synthesize (npx cdktf synth) and use its stack m2m-auth-<environment>',
  );
});

test('validateLiteral names the prop and the value, and every rule the value breaks, in one line', () => {
  const short = {
    description: 'must be longer',
    test: (value: string) => value.length > 3,
    condition: () => 'true',
  };
  const upper = {
    description: 'must be upper case',
    test: (value: string) => value === value.toUpperCase(),
    condition: () => 'true',
  };
  expect(() => validateLiteral('name', 'ab', [short, upper])).toThrow(
    new Error('name "ab" is invalid: must be longer; must be upper case'),
  );
  expect(() => validateLiteral('name', 'ABCD', [short, upper])).not.toThrow();
});
