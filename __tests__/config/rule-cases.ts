/**
 * Values for the validation rules, shared by the synth-side test (rules.test.ts here) and the
 * Terraform-side one (__tests__/terraform/rules.test.ts): what each setting must accept or refuse,
 * and edge cases on which JavaScript and Terraform could disagree.
 */
import { type Rule, settingRules, variableRules } from '../../config/rules';

export const RULES = { ...variableRules, ...settingRules } satisfies Record<string, readonly Rule[]>;
export type RuleSet = keyof typeof RULES;

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 7 code points, 1 grapheme cluster
const DECOMPOSED_E = 'e\u0301'; // 2 code points, "é" (1) in NFC
const KELVIN = '\u212a'; // NFC turns it into the ASCII letter K
const GREEK_QUESTION_MARK = '\u037e'; // NFC turns it into ";"
const x = (n: number) => 'x'.repeat(n);

/**
 * What each setting's rules, together, must answer: true for accepted, false for refused. Each rule
 * is the only one to refuse at least one of its setting's values (checked by rules.test.ts), so a
 * rule weakened on both sides changes a verdict here.
 */
export const VERDICTS: Record<RuleSet, readonly (readonly [string, boolean])[]> = {
  environmentName: [
    ['dev', true],
    ['test', true],
    ['prod', true],
    ['qa', false],
    ['Dev', false],
    ['', false],
    ['prod ', false],
    ['dev\n', false],
    ['prod\u200b', false],
  ],
  awsRegion: [
    ['us-east-1', true],
    ['eu-central-2', true],
    ['us-gov-west-1', true],
    ['ap-southeast-7', true],
    ['cn-north-1', true],
    ['moon-1', false],
    ['US-EAST-1', false],
    ['us-east', false],
    ['us-east-1 ', false],
    ['us-east-1a', false],
    ['xus-east-1', false],
    ['us-east-1\n', false],
    ['us-east-\u0661', false], // an Arabic-Indic digit one
  ],
  userPoolNamePrefix: [
    ['machine-to-machine', true],
    ['Payments API', true],
    ['a+b=c,d.e@f_g', true],
    [x(113), true],
    [KELVIN, true],
    [x(114), false],
    ['', false],
    [' ', false],
    ['a/b', false],
    ['émile', false],
    ['tab\there', false],
    ['a\u00a0b', false],
    ['name\n', false],
  ],
  domainPrefix: [
    ['m2m-rubicon', true],
    ['a', true],
    ['a--b', true],
    ['a'.repeat(53), true],
    ['M2m', false],
    ['m2m_r', false],
    ['-abc', false],
    ['abc-', false],
    ['abc\n', false],
    ['', false],
    ['my-aws-x', false],
    ['amazonia', false],
    ['xcognito', false],
    ['a'.repeat(54), false],
  ],
  projectTag: [
    ['m2m-auth', true],
    ['${file("/etc/hostname")}', true],
    [x(256), true],
    ['😀'.repeat(256), true],
    [DECOMPOSED_E.repeat(256), true],
    [FAMILY.repeat(36), true],
    ['', false],
    ['  ', false],
    ['\u00a0', false],
    ['\ufeff', false],
    ['\u0085', false],
    ['\u2028\t', false],
    [x(257), false],
    ['😀'.repeat(257), false],
    [FAMILY.repeat(37), false], // 37 clusters, but 259 characters
  ],
  resourceServerIdentifier: [
    ['m2m-client', true],
    ['https://orders.example.com', true],
    ['${path.cwd}', true],
    [x(256), true],
    [GREEK_QUESTION_MARK, true],
    ['orders api', false],
    ['a"b', false],
    ['a\\b', false],
    ['é', false],
    ['', false],
    [x(257), false],
  ],
  resourceServerName: [
    ['User API', true],
    [x(256), true],
    [' ', false],
    ['a/b', false],
    ['', false],
    [x(257), false],
  ],
  scopeName: [
    ['read', true],
    ['orders.read', true],
    ['${path.cwd}', true],
    ['%{if(true)}x%{endif}', true],
    [x(256), true],
    ['orders/read', false],
    ['read all', false],
    ['', false],
    ['read\n', false],
    [x(257), false],
  ],
  scopeDescription: [
    ['Read access', true],
    ['${file("/etc/hostname")}', true],
    ['%{ if true }x%{ endif }', true],
    [x(256), true],
    ['', false],
    ['\t', false],
    [x(257), false],
  ],
  clientName: [
    ['reporting', true],
    ['m2m-client', true],
    ['a'.repeat(123), true],
    ['Reporting', false],
    ['1st', false],
    ['a_b', false],
    ['', false],
    ['a'.repeat(124), false],
  ],
  s3BucketName: [
    ['acme-terraform-state', true],
    ['abc', true],
    ['a.b-c', true],
    ['a'.repeat(63), true],
    ['ab', false],
    ['a'.repeat(64), false],
    ['Acme-State', false],
    ['acme-', false],
    ['acme..state', false],
    ['acme.-state', false],
    ['192.168.1.1', false],
    ['xn--state', false],
    ['state-s3alias', false],
  ],
  stateKeyPrefix: [
    ['m2m-auth', true],
    ['platform/m2m', true],
    ["a!_.*'()-b", true],
    ['m2m/', false],
    ['/m2m', false],
    ['a//b', false],
    ['a b', false],
    ['', false],
    ['m2m\n', false],
  ],
  githubRepository: [
    ['acme/m2m-auth', true],
    ['Acme-Corp/m2m.auth_2', true],
    ['a/b', true],
    [`${x(39)}/repo`, true],
    [`acme/${x(100)}`, true],
    ['acme/.github', true],
    [`${x(40)}/repo`, false],
    [`acme/${x(101)}`, false],
    ['acme/.', false],
    ['acme/..', false],
    ['acme', false],
    ['acme/m2m/auth', false],
    ['-acme/repo', false],
    ['acme-/repo', false],
    ['ac--me/repo', false],
    ['acme/*', false],
    ['acme/repo:ref', false],
    ['acme/${x}', false],
    ['acme/%{x}', false],
    ['acme/repo\n', false],
    ['', false],
  ],
  awsAccountId: [
    ['123456789012', true],
    ['000000000001', true],
    ['12345678901', false],
    ['1234567890123', false],
    ['12345678901a', false],
    ['123456789012\n', false],
    ['１２３４５６７８９０１２', false],
    ['', false],
  ],
};

/**
 * Values on which the two sides could disagree, tried on every rule: whitespace outside ASCII,
 * control characters, line ends at the end (JavaScript's and RE2's `$`), combining characters and
 * NFC, emoji as surrogate pairs and as grapheme clusters, lone surrogates, Terraform template syntax,
 * and lengths at and around every limit.
 */
export const EDGE_VALUES: readonly string[] = [
  ...['', ' ', '\t', '\n', '\r', '\r\n', 'a\n', '\na', 'a\r\nb', 'a\rb', '\v', '\f', '\u0000', 'a\u0000b'],
  ...['\u0007', '\u007f', '\u0085', '\u00a0', 'a\u00a0b', '\u1680', '\u2000', '\u2003', '\u200b'],
  ...['\u2028', '\u2029', 'a\u2028', '\u202f', '\u3000', '\ufeff', '\ufeffa', 'a\u180eb'],
  ...[DECOMPOSED_E, 'é', 'a\u0301', '\u0301', KELVIN, '\u212b', GREEK_QUESTION_MARK, '\u1fef', 'ﬁ', 'Ｋ'],
  ...['😀', FAMILY, '🇺🇸', '\ud800', 'a\udc00b', '\ud83d', 'ａｗｓ', 'İ', 'ı'],
  ...['${x}', '$${x}', '$$${x}', '%{ if true }x%{ endif }', '%%{x}', '${file("/etc/hostname")}'],
  ...['x"y', 'x\\y', 'a/b', '/', 'a//b', "it's", 'a b'],
  ...['dev', 'prod', 'us-east-1', 'm2m-rubicon', 'read', 'reporting', 'acme-state', '192.168.1.1', 'aws'],
  ...[3, 53, 54, 63, 64, 113, 114, 123, 124, 255, 256, 257].flatMap((n) => [
    'a'.repeat(n),
    '😀'.repeat(n),
    DECOMPOSED_E.repeat(n),
    `${'a'.repeat(n - 1)}\n`,
  ]),
  FAMILY.repeat(36),
  FAMILY.repeat(37),
];
