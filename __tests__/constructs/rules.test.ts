import { asTerraformSees, brokenRules, hclString } from '../../constructs/rules';
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
  ])('writes %j as %s', (value, literal) => {
    expect(hclString(value)).toBe(literal);
  });
});
