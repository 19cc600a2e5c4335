/**
 * What the CI roles may do and who may assume them, written out by hand for one configuration, and an
 * audit of any policy document against it: the synth tests, the offline plan and the emulator's copy
 * of the deployed roles all answer to the same expectations.
 */

/** The configuration the expectations below are written for. */
export const CI_CONTEXT = {
  environments: ['dev', 'prod'],
  awsRegion: 'eu-west-1',
  remoteState: { bucket: 'acme-terraform-state', keyPrefix: 'platform/m2m' },
  ciAccess: { githubRepository: 'acme/m2m-auth', awsAccountId: '123456789012' },
};

const COGNITO_ON_POOLS = [
  'cognito-idp:CreateResourceServer',
  'cognito-idp:CreateUserPoolClient',
  'cognito-idp:CreateUserPoolDomain',
  'cognito-idp:DeleteResourceServer',
  'cognito-idp:DeleteUserPool',
  'cognito-idp:DeleteUserPoolClient',
  'cognito-idp:DeleteUserPoolDomain',
  'cognito-idp:DescribeResourceServer',
  'cognito-idp:DescribeUserPool',
  'cognito-idp:DescribeUserPoolClient',
  'cognito-idp:GetUserPoolMfaConfig',
  'cognito-idp:SetUserPoolMfaConfig',
  'cognito-idp:TagResource',
  'cognito-idp:UntagResource',
  'cognito-idp:UpdateResourceServer',
  'cognito-idp:UpdateUserPool',
  'cognito-idp:UpdateUserPoolClient',
  'cognito-idp:UpdateUserPoolDomain',
];
const SECRETS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetResourcePolicy',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
];
const READS = (actions: string[]) => actions.filter((a) => /:(Describe|Get)/.test(a));

/** Every action each role may take, by resource; nothing else may appear in its policy. */
export function allowedGrants(environment: string, role: 'deploy' | 'plan'): Record<string, string[]> {
  const state = `arn:aws:s3:::acme-terraform-state/platform/m2m/${environment}/terraform.tfstate`;
  const pools = 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/*';
  const secrets = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/${environment}/*`;
  if (role === 'plan') {
    return {
      '*': ['cognito-idp:DescribeUserPoolDomain'],
      [pools]: READS(COGNITO_ON_POOLS),
      [secrets]: READS(SECRETS),
      'arn:aws:s3:::acme-terraform-state': ['s3:ListBucket'],
      [state]: ['s3:GetObject'],
    };
  }
  return {
    '*': ['cognito-idp:CreateUserPool', 'cognito-idp:DescribeUserPoolDomain'],
    [pools]: COGNITO_ON_POOLS,
    [secrets]: SECRETS,
    'arn:aws:s3:::acme-terraform-state': ['s3:ListBucket'],
    [state]: ['s3:GetObject', 's3:PutObject'],
    [`${state}.tflock`]: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  };
}

/** The conditions that narrow a grant, which must be there whenever it is. */
export function requiredConditions(environment: string): Record<string, Record<string, unknown>> {
  const onTaggedPools = {
    StringEquals: { 'aws:ResourceTag/Environment': environment, 'aws:ResourceTag/Project': 'm2m-auth' },
  };
  return {
    ...Object.fromEntries(COGNITO_ON_POOLS.map((action) => [action, onTaggedPools])),
    'cognito-idp:CreateUserPool': {
      StringEquals: { 'aws:RequestTag/Environment': environment, 'aws:RequestTag/Project': 'm2m-auth' },
    },
    's3:ListBucket': {
      StringEqualsIfExists: { 's3:prefix': `platform/m2m/${environment}/terraform.tfstate` },
    },
  };
}

interface Statement {
  Effect: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, unknown>;
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());

/**
 * Everything `document` grants beyond `allowed`, or without the conditions `conditions` asks of an
 * action, one line each: empty when the policy stays inside.
 */
export function grantsOutside(
  document: { Statement: Statement | Statement[] },
  allowed: Record<string, string[]>,
  conditions: Record<string, Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  const granted = new Set<string>();
  for (const statement of [document.Statement].flat()) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      problems.push(`a statement uses NotAction or NotResource, which grant everything else`);
    }
    for (const action of list(statement.Action)) {
      if (action.includes('*') || action.includes('?')) problems.push(`wildcard action ${action}`);
      const required = conditions[action];
      if (required && JSON.stringify(statement.Condition) !== JSON.stringify(required)) {
        problems.push(`${action} without its condition ${JSON.stringify(required)}`);
      }
      for (const resource of list(statement.Resource)) {
        if (!allowed[resource]?.includes(action)) problems.push(`${action} on ${resource}`);
        else granted.add(`${action} on ${resource}`);
      }
    }
  }
  // And nothing the stacks need is missing: a policy that grants nothing would pass the check above.
  for (const [resource, actions] of Object.entries(allowed)) {
    for (const action of actions) {
      if (!granted.has(`${action} on ${resource}`)) problems.push(`missing ${action} on ${resource}`);
    }
  }
  return problems;
}

/** Who may assume a role: GitHub's OIDC provider of the account, for these token subjects only. */
export function expectedTrust(subjects: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsOfThisRepository',
        Effect: 'Allow',
        Principal: {
          Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': subjects.length === 1 ? subjects[0] : subjects,
          },
        },
      },
    ],
  };
}
