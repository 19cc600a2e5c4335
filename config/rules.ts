/**
 * Validation rules, each written once and enforced in two places: at synth time on the values of
 * cdktf.json (and construct props), and at plan time as Terraform `validation` blocks on variables.
 * Patterns use the syntax that JavaScript and Terraform's RE2 share.
 */

/** One check on a string setting. */
export interface Rule {
  /** The rule, phrased to follow "<setting> ...": "must be one of dev, test, prod". */
  readonly description: string;
  /** Whether a literal value satisfies the rule. */
  readonly test: (value: string) => boolean;
  /** The same check as a Terraform expression over `ref` (for example `var.domain_prefix`). */
  readonly condition: (ref: string) => string;
}

/** A Terraform string literal (HCL escapes are a superset of JSON's for what we emit). */
function hclString(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** Counts characters the way Terraform's length() does (code points, not UTF-16 units). */
function charCount(value: string): number {
  return [...value].length;
}

export function oneOf(values: readonly string[]): Rule {
  return {
    description: `must be one of ${values.join(', ')}`,
    test: (value) => values.includes(value),
    condition: (ref) => `contains([${values.map(hclString).join(', ')}], ${ref})`,
  };
}

export function matches(pattern: string, description: string): Rule {
  const regex = new RegExp(pattern);
  return {
    description,
    test: (value) => regex.test(value),
    condition: (ref) => `can(regex(${hclString(pattern)}, ${ref}))`,
  };
}

export function doesNotMatch(pattern: string, description: string): Rule {
  const regex = new RegExp(pattern);
  return {
    description,
    test: (value) => !regex.test(value),
    condition: (ref) => `length(regexall(${hclString(pattern)}, ${ref})) == 0`,
  };
}

export function maxLength(max: number, why = ''): Rule {
  return {
    description: `must be at most ${max} characters${why}`,
    test: (value) => charCount(value) <= max,
    condition: (ref) => `length(${ref}) <= ${max}`,
  };
}

export const notBlank: Rule = {
  description: 'must not be empty',
  test: (value) => value.trim().length > 0,
  condition: (ref) => `length(trimspace(${ref})) > 0`,
};

/** The first rule a literal value breaks, if any. */
export function firstBrokenRule(value: string, rules: readonly Rule[]): Rule | undefined {
  return rules.find((rule) => !rule.test(value));
}

export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

// The longest non-prod domain is "<prefix>-test-auth"; Cognito allows 63 characters in all.
const DOMAIN_SUFFIX_MAX = '-test-auth'.length;
export const DOMAIN_PREFIX_MAX_LENGTH = 63 - DOMAIN_SUFFIX_MAX;

// Cognito's user pool and app client names: [\w\s+=,.@-]+, at most 128 characters.
const COGNITO_NAME_PATTERN = '^[\\w\\s+=,.@-]+$';
const COGNITO_NAME_DESCRIPTION = 'must contain only letters, digits, spaces and the characters + = , . @ _ -';

/** Rules of the settings that are also Terraform variables. */
export const variableRules = {
  environmentName: [oneOf(ENVIRONMENTS)],
  awsRegion: [matches('^[a-z]{2}(-[a-z]+)+-[0-9]+$', 'must be an AWS region code such as us-east-1')],
  userPoolNamePrefix: [
    notBlank,
    matches(COGNITO_NAME_PATTERN, COGNITO_NAME_DESCRIPTION),
    // "<environment>-<prefix>-user-pool" must stay within Cognito's 128 characters.
    maxLength(128 - '-user-pool'.length - 'prod-'.length, ' so the user pool name fits in 128'),
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
    maxLength(DOMAIN_PREFIX_MAX_LENGTH, ' so the domain "<prefix>-<environment>-auth" fits in 63'),
  ],
  projectTag: [notBlank, maxLength(256, ' (the AWS limit for a tag value)')],
} satisfies Record<string, readonly Rule[]>;

/** Rules of the settings that exist only at synth time. */
export const settingRules = {
  // Resource server identifier: [\x21\x23-\x5B\x5D-\x7E]+, up to 256 (no space, quote or backslash).
  resourceServerIdentifier: [
    matches('^[!#-\\[\\]-~]+$', 'must be printable ASCII without spaces, quotes or backslashes'),
    maxLength(256),
  ],
  resourceServerName: [notBlank, matches(COGNITO_NAME_PATTERN, COGNITO_NAME_DESCRIPTION), maxLength(256)],
  // Scope names: [\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+ (as the identifier, and no slash either).
  scopeName: [
    matches('^[!#-.0-\\[\\]-~]+$', 'must be printable ASCII without spaces, quotes, slashes or backslashes'),
    maxLength(256),
  ],
  scopeDescription: [notBlank, maxLength(256)],
  clientName: [
    matches(
      '^[a-z][a-z0-9-]*$',
      'must start with a lowercase letter and contain only lowercase letters, digits and hyphens',
    ),
    maxLength(64),
  ],
  s3BucketName: [
    {
      description: 'must be a valid S3 bucket name of 3 to 63 characters',
      test: (value: string) => value.length >= 3 && value.length <= 63,
      condition: (ref: string) => `length(${ref}) >= 3 && length(${ref}) <= 63`,
    },
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
} satisfies Record<string, readonly Rule[]>;

/** Cognito accepts access tokens valid for 5 minutes to 1 day. */
export const ACCESS_TOKEN_VALIDITY_MINUTES = { min: 5, max: 1440 } as const;

/**
 * Scopes of OpenID Connect and of Cognito's user APIs. The token endpoint rejects them with the
 * client_credentials grant (invalid_scope), so a client may not ask for them.
 */
export const USER_SCOPES = ['openid', 'email', 'profile', 'phone', 'aws.cognito.signin.user.admin'] as const;
