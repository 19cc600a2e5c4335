/**
 * Validation rules of the constructs' props, each written once and enforced in two places: at synth
 * time on literal props (and, through config/, on cdktf.json), and at plan time as Terraform
 * `validation` blocks on variables. A text Rule must give the same verdict on both sides for every
 * value, so it is built only from pieces that mean the same in JavaScript and in Terraform (Go's RE2
 * regexp, cty strings):
 * - Terraform turns every string into Unicode NFC, and a JSON lone surrogate into U+FFFD: `test`
 *   checks the value as Terraform will see it.
 * - Rule patterns use no \s, \w, \d, `.` or flags, whose meanings differ between the dialects (JavaScript's
 *   \s is Unicode-wide, RE2's is [\t\n\f\r ]); JavaScript runs them with the `u` flag so that both
 *   match code points, not UTF-16 units. `^` and `$` mean start and end of the whole string in both.
 * - Lengths are code points: Terraform's length() counts grapheme clusters (a family emoji is one,
 *   "\r\n" is one), so the condition counts the matches of RE2's "(?s)." instead.
 */
import { Token } from 'cdktf';
import {
  APP_CLIENT_ID_MAX_LENGTH,
  APP_CLIENT_NAME_MAX_LENGTH,
  DOMAIN_MAX_LENGTH,
  GITHUB_OWNER_MAX_LENGTH,
  GITHUB_REPOSITORY_NAME_MAX_LENGTH,
  RESOURCE_SERVER_IDENTIFIER_MAX_LENGTH,
  RESOURCE_SERVER_NAME_MAX_LENGTH,
  S3_BUCKET_NAME_LENGTH,
  SCOPE_DESCRIPTION_MAX_LENGTH,
  SCOPE_NAME_MAX_LENGTH,
  TAG_VALUE_MAX_LENGTH,
  USER_POOL_ID_MAX_LENGTH,
  USER_POOL_NAME_MAX_LENGTH,
} from './limits';

/** One check on a value. */
export interface Check<T> {
  /** The rule, phrased to follow "<setting> ...": "must be one of dev, test, prod". */
  readonly description: string;
  /** Whether a literal value satisfies the rule. */
  readonly test: (value: T) => boolean;
}

/** A check on a string that Terraform can make too. */
export interface Rule extends Check<string> {
  /** The same check as a Terraform expression over `ref` (for example `var.domain_prefix`). */
  readonly condition: (ref: string) => string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether `value` holds half a surrogate pair, which JSON allows and Unicode text cannot hold. */
export function hasLoneSurrogate(value: string): boolean {
  return value.search(LONE_SURROGATE) >= 0;
}

/** The string Terraform works with for `value`: lone surrogates become U+FFFD, then NFC. */
export function asTerraformSees(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd').normalize('NFC');
}

/**
 * `value` as an HCL quoted string literal: quotes and backslashes escaped, control and non-ASCII
 * characters as \u escapes, and "${" and "%{" doubled so that Terraform reads them as text.
 */
export function hclString(value: string): string {
  let body = '';
  for (const char of asTerraformSees(value)) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === '\\') body += `\\${char}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else if (code >= 0x20 && code < 0x7f) body += char;
    else if (code > 0xffff) body += `\\U${code.toString(16).padStart(8, '0')}`;
    else body += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `"${body.replace(/([$%])\{/g, '$1$1{')}"`;
}

/** Characters Terraform (RE2, cty) and JavaScript count in the string, the same on both sides. */
function characters(value: string): number {
  return [...asTerraformSees(value)].length;
}
const terraformCharacters = (ref: string) => `length(regexall("(?s).", ${ref}))`;

export function oneOf(values: readonly string[], description = `must be one of ${values.join(', ')}`): Rule {
  return {
    description,
    test: (value) => values.includes(asTerraformSees(value)),
    condition: (ref) =>
      values.length === 1
        ? `${ref} == ${hclString(values[0])}`
        : `contains([${values.map(hclString).join(', ')}], ${ref})`,
  };
}

function matches(pattern: string, description: string): Rule {
  const regex = new RegExp(pattern, 'u');
  return {
    description,
    test: (value) => regex.test(asTerraformSees(value)),
    condition: (ref) => `can(regex(${hclString(pattern)}, ${ref}))`,
  };
}

function doesNotMatch(pattern: string, description: string): Rule {
  const regex = new RegExp(pattern, 'u');
  return {
    description,
    test: (value) => !regex.test(asTerraformSees(value)),
    condition: (ref) => `length(regexall(${hclString(pattern)}, ${ref})) == 0`,
  };
}

function maxLength(max: number, why = ''): Rule {
  return {
    description: `must be at most ${max} characters${why}`,
    test: (value) => characters(value) <= max,
    condition: (ref) => `${terraformCharacters(ref)} <= ${max}`,
  };
}

function lengthBetween(min: number, max: number, description: string): Rule {
  return {
    description,
    test: (value) => characters(value) >= min && characters(value) <= max,
    condition: (ref) => `${terraformCharacters(ref)} >= ${min} && ${terraformCharacters(ref)} <= ${max}`,
  };
}

// Whitespace by either side's definition: JavaScript's \s and trim() add U+FEFF, Go's unicode.IsSpace
// (Terraform's trimspace) adds U+0085. Raw characters, as JavaScript and RE2 spell escapes differently.
const WHITESPACE = '\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

const notBlank: Rule = matches(`[^${WHITESPACE}]`, 'must not be empty or only whitespace');

/** The rules a literal value breaks, in order. */
export function brokenRules<T>(value: T, rules: readonly Check<T>[]): Check<T>[] {
  return rules.filter((rule) => !rule.test(value));
}

/**
 * Throws when a literal prop breaks a rule. Terraform references are left to the variable's own
 * validation block, which checks them at plan time.
 */
export function validateLiteral<T>(prop: string, value: T | undefined, rules: readonly Check<T>[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const broken = brokenRules(value, rules);
  if (broken.length > 0) {
    throw new Error(
      `${prop} ${JSON.stringify(value)} is invalid: ${broken.map((rule) => rule.description).join('; ')}`,
    );
  }
}

export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** The room "<environment>-" takes in a name, for the longest environment. */
const ENVIRONMENT_PREFIX_MAX = Math.max(...ENVIRONMENTS.map((name) => name.length)) + '-'.length;

// The longest non-prod domain is "<prefix>-test-auth".
const DOMAIN_PREFIX_MAX_LENGTH = DOMAIN_MAX_LENGTH - '-test-auth'.length;

// Cognito's user pool, app client and resource server names: [\w\s+=,.@-]+ in Java's regex dialect,
// where \w is ASCII. Spelt out, and with the space as the only whitespace: a tab or line break in a
// name is a mistake, and \s means different things to JavaScript and RE2.
const COGNITO_NAME_PATTERN = '^[A-Za-z0-9_ +=,.@-]+$';
const COGNITO_NAME_DESCRIPTION = 'must contain only letters, digits, spaces and the characters + = , . @ _ -';

// An AWS region code, us-east-1; user pool IDs begin with one.
const REGION_PATTERN = '[a-z]{2}(-[a-z]+)+-[0-9]+';

/** Rules of the props that the stacks also take as Terraform variables. */
export const variableRules = {
  environmentName: [oneOf(ENVIRONMENTS)],
  awsRegion: [matches(`^${REGION_PATTERN}$`, 'must be an AWS region code such as us-east-1')],
  userPoolNamePrefix: [
    notBlank,
    matches(COGNITO_NAME_PATTERN, COGNITO_NAME_DESCRIPTION),
    // "<environment>-<prefix>-user-pool" must fit Cognito's limit.
    maxLength(
      USER_POOL_NAME_MAX_LENGTH - ENVIRONMENT_PREFIX_MAX - '-user-pool'.length,
      ` so the user pool name fits in ${USER_POOL_NAME_MAX_LENGTH}`,
    ),
  ],
  domainPrefix: [
    matches(
      '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$',
      'must contain only lowercase letters, digits and hyphens, and must not start or end with a hyphen',
    ),
    doesNotMatch(
      'aws|amazon|cognito',
      'must not contain "aws", "amazon" or "cognito" (Cognito reserves them)',
    ),
    maxLength(
      DOMAIN_PREFIX_MAX_LENGTH,
      ` so the domain "<prefix>-<environment>-auth" fits in ${DOMAIN_MAX_LENGTH}`,
    ),
  ],
  projectTag: [notBlank, maxLength(TAG_VALUE_MAX_LENGTH, ' (the AWS limit for a tag value)')],
} satisfies Record<string, readonly Rule[]>;

/**
 * Ties a stack's environment_name to the environment it was synthesized for: its state, its names
 * and its protections (deletion protection, the secrets' recovery window) are that environment's.
 */
export function stackEnvironment(environmentName: EnvironmentName, stackName: string): Rule {
  return oneOf(
    [environmentName],
    `must be "${environmentName}" in stack ${stackName}, whose state is ${environmentName}'s; to deploy another environment, add it to "environments" in cdktf.json, synthesize (npx cdktf synth) and use its stack m2m-auth-<environment>`,
  );
}

/** Rules of the props that are checked only at synth time. */
export const settingRules = {
  // Resource server identifier: [\x21\x23-\x5B\x5D-\x7E]+ (no space, quote or backslash).
  resourceServerIdentifier: [
    matches('^[!#-\\[\\]-~]+$', 'must be printable ASCII without spaces, quotes or backslashes'),
    maxLength(RESOURCE_SERVER_IDENTIFIER_MAX_LENGTH),
  ],
  resourceServerName: [
    notBlank,
    matches(COGNITO_NAME_PATTERN, COGNITO_NAME_DESCRIPTION),
    maxLength(RESOURCE_SERVER_NAME_MAX_LENGTH),
  ],
  // Scope names: [\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+ (as the identifier, and no slash either).
  scopeName: [
    matches('^[!#-.0-\\[\\]-~]+$', 'must be printable ASCII without spaces, quotes, slashes or backslashes'),
    maxLength(SCOPE_NAME_MAX_LENGTH),
  ],
  scopeDescription: [notBlank, maxLength(SCOPE_DESCRIPTION_MAX_LENGTH)],
  clientName: [
    matches(
      '^[a-z][a-z0-9-]*$',
      'must start with a lowercase letter and contain only lowercase letters, digits and hyphens',
    ),
    // The app client is "<environment>-<name>".
    maxLength(
      APP_CLIENT_NAME_MAX_LENGTH - ENVIRONMENT_PREFIX_MAX,
      ` so the app client name "<environment>-<name>" fits in ${APP_CLIENT_NAME_MAX_LENGTH}`,
    ),
  ],
  // An app client's name in Cognito, when it is not "<environment>-<name>" (a client adopted as it is).
  appClientName: [
    notBlank,
    matches(COGNITO_NAME_PATTERN, COGNITO_NAME_DESCRIPTION),
    maxLength(APP_CLIENT_NAME_MAX_LENGTH),
  ],
  // Cognito's [\w-]+_[0-9a-zA-Z]+, with the region spelt out: the ID names the pool's region.
  userPoolId: [
    matches(
      `^${REGION_PATTERN}_[0-9A-Za-z]+$`,
      'must be a user pool ID, "<region>_<letters and digits>" such as us-east-1_AbCdEf123',
    ),
    maxLength(USER_POOL_ID_MAX_LENGTH),
  ],
  // Cognito's [\w+]+.
  appClientId: [
    matches('^[A-Za-z0-9_+]+$', 'must be an app client ID: letters, digits, _ and +'),
    maxLength(APP_CLIENT_ID_MAX_LENGTH),
  ],
  s3BucketName: [
    lengthBetween(
      S3_BUCKET_NAME_LENGTH.min,
      S3_BUCKET_NAME_LENGTH.max,
      `must be a valid S3 bucket name of ${S3_BUCKET_NAME_LENGTH.min} to ${S3_BUCKET_NAME_LENGTH.max} characters`,
    ),
    matches(
      '^[a-z0-9][a-z0-9.-]*[a-z0-9]$',
      'must be a valid S3 bucket name: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    ),
    doesNotMatch(
      '\\.\\.|\\.-|-\\.',
      'must be a valid S3 bucket name: no two adjacent dots, nor a dot next to a hyphen',
    ),
    doesNotMatch('^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$', 'must be a valid S3 bucket name, not an IP address'),
    doesNotMatch(
      '^xn--|^sthree-|-s3alias$|--ol-s3$',
      'must be a valid S3 bucket name without a reserved prefix or suffix',
    ),
  ],
  stateKeyPrefix: [
    matches(
      "^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$",
      "must be path segments of letters, digits and !_.*'()- joined by single slashes, without a leading or trailing slash",
    ),
  ],
  // GitHub's names: an owner of letters, digits and single inner hyphens, a repository of letters,
  // digits, ".", "_" and "-". Nothing a trust policy or Terraform would expand.
  githubRepository: [
    matches(
      '^[A-Za-z0-9](-?[A-Za-z0-9])*/[A-Za-z0-9._-]+$',
      'must be "<owner>/<repository>" as GitHub spells it: an owner of letters, digits and single inner hyphens, a repository of letters, digits, ".", "_" and "-"',
    ),
    doesNotMatch(
      `^[^/]{${GITHUB_OWNER_MAX_LENGTH + 1},}/`,
      `must have an owner of at most ${GITHUB_OWNER_MAX_LENGTH} characters`,
    ),
    doesNotMatch(
      `/[^/]{${GITHUB_REPOSITORY_NAME_MAX_LENGTH + 1},}$`,
      `must have a repository name of at most ${GITHUB_REPOSITORY_NAME_MAX_LENGTH} characters`,
    ),
    doesNotMatch('/[.][.]?$', 'must not name the repository "." or ".."'),
  ],
  awsAccountId: [matches('^[0-9]{12}$', 'must be a 12-digit AWS account ID, written as a string')],
} satisfies Record<string, readonly Rule[]>;

/**
 * Scopes of OpenID Connect and of Cognito's user APIs. The token endpoint rejects them with the
 * client_credentials grant (invalid_scope), so a client may not ask for them.
 */
export const USER_SCOPES = ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'] as const;
