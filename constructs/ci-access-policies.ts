/**
 * What the GitHub Actions roles may do, and who may assume them. The actions are those the AWS
 * provider 5.100.0 and Terraform's S3 backend call for what an m2m-auth stack manages: read from a
 * TF_LOG=debug deploy, plan and destroy against the emulator, and, for the update paths the emulator
 * lacks, from the provider's source. Resource types and condition keys are the AWS Service
 * Authorization Reference's (Amazon Cognito User Pools, AWS Secrets Manager, Amazon S3).
 */
import { CREDENTIALS_SECRET_PREFIX } from './client-credentials-secret';
import type { EnvironmentName } from './rules';

/** GitHub's OIDC issuer, as IAM names the provider and prefixes its condition keys. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials asks GitHub for. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** The branch whose pushes deploy and whose scheduled runs check for drift. */
export const CI_MAIN_BRANCH = 'main';

/** The IAM role that deploys an environment; only that GitHub environment's jobs may assume it. */
export const deployRoleName = (environment: EnvironmentName) => `m2m-auth-ci-${environment}-deploy`;
/** The read-only IAM role for plans of an environment: pull-request diffs and the drift check. */
export const planRoleName = (environment: EnvironmentName) => `m2m-auth-ci-${environment}-plan`;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal?: { readonly Federated: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** What one environment's roles reach: its account, region, tags, secrets and state. */
export interface EnvironmentScope {
  readonly accountId: string;
  readonly region: string;
  readonly environmentName: EnvironmentName;
  /** The Project tag every resource of the stack carries. */
  readonly projectTag: string;
  readonly stateBucket: string;
  /** "<keyPrefix>/<environment>/terraform.tfstate" */
  readonly stateKey: string;
}

/**
 * Text as IAM reads it literally: in policies "${...}" is a policy variable and "*" and "?" are
 * wildcards in ARNs, so each becomes IAM's own escape (${$}, ${*}, ${?}).
 */
export function iamLiteral(text: string): string {
  return text.replace(/[$*?]/g, (char) => `\${${char}}`);
}

// Actions on a user pool (resource type userpool), which the SAR lets a policy narrow by aws:ResourceTag.
const COGNITO_POOL_READ = [
  'cognito-idp:DescribeUserPool',
  'cognito-idp:GetUserPoolMfaConfig',
  'cognito-idp:DescribeResourceServer',
  'cognito-idp:DescribeUserPoolClient',
];
const COGNITO_POOL_WRITE = [
  'cognito-idp:UpdateUserPool',
  'cognito-idp:SetUserPoolMfaConfig',
  'cognito-idp:DeleteUserPool',
  'cognito-idp:TagResource',
  'cognito-idp:UntagResource',
  'cognito-idp:CreateResourceServer',
  'cognito-idp:UpdateResourceServer',
  'cognito-idp:DeleteResourceServer',
  'cognito-idp:CreateUserPoolClient',
  'cognito-idp:UpdateUserPoolClient',
  'cognito-idp:DeleteUserPoolClient',
  'cognito-idp:CreateUserPoolDomain',
  'cognito-idp:UpdateUserPoolDomain',
  'cognito-idp:DeleteUserPoolDomain',
];

const SECRETS_READ = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:GetResourcePolicy',
];
const SECRETS_WRITE = [
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  'secretsmanager:DeleteSecret',
];

function tagged(prefix: 'aws:RequestTag' | 'aws:ResourceTag', scope: EnvironmentScope) {
  return {
    StringEquals: {
      [`${prefix}/Environment`]: scope.environmentName,
      [`${prefix}/Project`]: iamLiteral(scope.projectTag),
    },
  };
}

function arns(scope: EnvironmentScope) {
  const { accountId, region, environmentName } = scope;
  const bucket = iamLiteral(scope.stateBucket);
  const state = `arn:aws:s3:::${bucket}/${iamLiteral(scope.stateKey)}`;
  return {
    userPools: `arn:aws:cognito-idp:${iamLiteral(region)}:${accountId}:userpool/*`,
    secrets: `arn:aws:secretsmanager:${iamLiteral(region)}:${accountId}:secret:${CREDENTIALS_SECRET_PREFIX}/${environmentName}/*`,
    bucket: `arn:aws:s3:::${bucket}`,
    state,
    lock: `${state}.tflock`,
  };
}

/** Reads and lists that Terraform needs for a plan with -lock=false (refresh included). */
function readStatements(scope: EnvironmentScope): PolicyStatement[] {
  const arn = arns(scope);
  return [
    {
      Sid: 'DescribeCognitoDomains',
      Effect: 'Allow',
      Action: ['cognito-idp:DescribeUserPoolDomain'],
      // No resource type and no condition key for this action in the SAR.
      Resource: '*',
    },
    {
      Sid: 'ReadPoolsOfThisEnvironment',
      Effect: 'Allow',
      Action: COGNITO_POOL_READ,
      Resource: arn.userPools,
      Condition: tagged('aws:ResourceTag', scope),
    },
    {
      Sid: 'ReadCredentialSecretsOfThisEnvironment',
      Effect: 'Allow',
      Action: SECRETS_READ,
      Resource: arn.secrets,
    },
    {
      // Terraform lists only "env:/" (other workspaces) and carries on when refused, so a listing with
      // a prefix may name the state key alone. IfExists: S3 asks for ListBucket, with no prefix, to
      // answer a read of a missing object with 404 rather than 403, and Terraform's first plan of an
      // environment reads a state that does not exist yet.
      Sid: 'ListTheStateKey',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: arn.bucket,
      Condition: { StringEqualsIfExists: { 's3:prefix': iamLiteral(scope.stateKey) } },
    },
  ];
}

/** The read-only role's permissions: enough for `cdktf diff` and the drift check, nothing that writes. */
export function planPolicy(scope: EnvironmentScope): PolicyDocument {
  const arn = arns(scope);
  return {
    Version: '2012-10-17',
    Statement: [
      ...readStatements(scope),
      { Sid: 'ReadTheState', Effect: 'Allow', Action: ['s3:GetObject'], Resource: arn.state },
    ],
  };
}

/** The deploy role's permissions: create, change and delete this environment's stack, and its state. */
export function deployPolicy(scope: EnvironmentScope): PolicyDocument {
  const arn = arns(scope);
  const [describeDomains, readPools, readSecrets, listState] = readStatements(scope);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CreatePoolsTaggedForThisEnvironment',
        Effect: 'Allow',
        Action: ['cognito-idp:CreateUserPool'],
        // No resource type in the SAR; its request-tag keys keep it to this environment's pools.
        Resource: '*',
        Condition: tagged('aws:RequestTag', scope),
      },
      describeDomains,
      {
        ...readPools,
        Sid: 'ManagePoolsOfThisEnvironment',
        Action: [...COGNITO_POOL_READ, ...COGNITO_POOL_WRITE],
      },
      {
        ...readSecrets,
        Sid: 'ManageCredentialSecretsOfThisEnvironment',
        Action: [...SECRETS_READ, ...SECRETS_WRITE],
      },
      listState,
      // Terraform never deletes the state object, only its lock.
      {
        Sid: 'ReadAndWriteTheState',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: arn.state,
      },
      {
        Sid: 'TakeAndReleaseTheStateLock',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: arn.lock,
      },
    ],
  };
}

/** The OIDC identity provider's ARN, which IAM derives from the account and GitHub's host. */
export function githubOidcProviderArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/** Trust in GitHub's OIDC tokens whose audience is STS and whose subject is one of `subjects`. */
function trustGitHub(accountId: string, subjects: readonly string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsOfThisRepository',
        Effect: 'Allow',
        Principal: { Federated: githubOidcProviderArn(accountId) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
          },
        },
      },
    ],
  };
}

/** Only jobs of `repository` that run in GitHub environment `environment`, after its protection rules. */
export function deployTrustPolicy(accountId: string, repository: string, environment: EnvironmentName) {
  return trustGitHub(accountId, [`repo:${repository}:environment:${environment}`]);
}

/** Pull-request jobs of `repository` and jobs on its main branch, which is reviewed code. */
export function planTrustPolicy(accountId: string, repository: string) {
  return trustGitHub(accountId, [
    `repo:${repository}:pull_request`,
    `repo:${repository}:ref:refs/heads/${CI_MAIN_BRANCH}`,
  ]);
}
