import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  deployPolicy,
  deployRoleName,
  deployTrustPolicy,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubOidcProviderArn,
  planPolicy,
  planRoleName,
  planTrustPolicy,
  type PolicyDocument,
} from './ci-access-policies';
import { type EnvironmentName, settingRules, validateLiteral, variableRules } from './rules';
import { configureStateBackend, type RemoteState, remoteStateKey } from './state-backend';
import { terraformText } from './terraform-text';

export interface CiAccessStackProps {
  /** "<owner>/<repository>": the only repository whose workflows may assume the roles. */
  readonly githubRepository: string;
  /** The account of the roles and of the m2m-auth stacks; the stack refuses to deploy to another. */
  readonly awsAccountId: string;
  /** Where the m2m-auth stacks deploy; the roles reach Cognito and Secrets Manager there only. */
  readonly region: string;
  /** One deploy role and one plan role each. */
  readonly environments: readonly EnvironmentName[];
  /** The Project tag of the m2m-auth stacks: the roles reach only user pools that carry it. */
  readonly projectTag: string;
  /** The m2m-auth stacks' state; this stack keeps its own at "<keyPrefix>/ci-access/terraform.tfstate". */
  readonly remoteState: RemoteState;
  /**
   * Create GitHub's OIDC identity provider; an account holds one per URL, so pass false when it exists.
   * @default true
   */
  readonly createOidcProvider?: boolean;
  /**
   * Where synth writes, relative to the project root.
   * @default "cdktf.out"
   */
  readonly outdir?: string;
}

export const CI_ACCESS_STACK_DEFAULTS = {
  createOidcProvider: true,
} as const satisfies Partial<CiAccessStackProps>;

/** The role names and ARNs of one environment. */
export interface CiRoles {
  readonly deploy: IamRole;
  readonly plan: IamRole;
}

/**
 * What the GitHub Actions workflows need in an account, deployed once with admin credentials: GitHub's
 * OIDC identity provider and, per environment, a deploy role that only that GitHub environment's jobs
 * may assume and a read-only plan role for pull-request diffs and the nightly drift check.
 */
export class CiAccessStack extends TerraformStack {
  /** The roles, by environment. */
  public readonly roles: ReadonlyMap<EnvironmentName, CiRoles>;

  constructor(scope: Construct, id: string, props: CiAccessStackProps) {
    super(scope, id);
    validateLiteral('githubRepository', props.githubRepository, settingRules.githubRepository);
    validateLiteral('awsAccountId', props.awsAccountId, settingRules.awsAccountId);
    validateLiteral('region', props.region, variableRules.awsRegion);
    validateLiteral('projectTag', props.projectTag, variableRules.projectTag);
    validateLiteral('remoteState.bucket', props.remoteState.bucket, settingRules.s3BucketName);
    validateLiteral('remoteState.keyPrefix', props.remoteState.keyPrefix, settingRules.stateKeyPrefix);
    props.environments.forEach((name) =>
      validateLiteral('environments', name, variableRules.environmentName),
    );
    const { awsAccountId: accountId, remoteState } = props;

    new AwsProvider(this, 'aws', {
      region: props.region,
      // Admin credentials of the wrong account would otherwise open it to this repository.
      allowedAccountIds: [accountId],
      defaultTags: [{ tags: { Project: terraformText(props.projectTag), ManagedBy: 'cdktf' } }],
    });
    configureStateBackend(this, {
      stackName: id,
      environmentName: 'ci-access',
      region: props.region,
      outdir: props.outdir,
      remoteState,
    });

    const provider =
      (props.createOidcProvider ?? CI_ACCESS_STACK_DEFAULTS.createOidcProvider)
        ? new IamOpenidConnectProvider(this, 'github', {
            url: `https://${GITHUB_OIDC_HOST}`,
            clientIdList: [GITHUB_OIDC_AUDIENCE],
          })
        : undefined;

    const role = (name: string, description: string, trust: PolicyDocument, permissions: PolicyDocument) => {
      const made = new IamRole(this, name, {
        name,
        description,
        // The provider's ARN is known from the account, so the whole policy shows in the plan.
        assumeRolePolicy: terraformText(JSON.stringify(trust)),
        maxSessionDuration: 3600,
        dependsOn: provider ? [provider] : undefined,
      });
      new IamRolePolicy(this, `${name}-policy`, {
        name,
        role: made.name,
        policy: terraformText(JSON.stringify(permissions)),
      });
      return made;
    };

    const roles = new Map<EnvironmentName, CiRoles>();
    for (const environmentName of props.environments) {
      const scope = {
        accountId,
        region: props.region,
        environmentName,
        projectTag: props.projectTag,
        stateBucket: remoteState.bucket,
        stateKey: remoteStateKey(remoteState, environmentName),
      };
      roles.set(environmentName, {
        deploy: role(
          deployRoleName(environmentName),
          `Deploys m2m-auth-${environmentName} from GitHub environment ${environmentName} of ${props.githubRepository}`,
          deployTrustPolicy(accountId, props.githubRepository, environmentName),
          deployPolicy(scope),
        ),
        plan: role(
          planRoleName(environmentName),
          `Plans m2m-auth-${environmentName}, read-only, for pull requests and main of ${props.githubRepository}`,
          planTrustPolicy(accountId, props.githubRepository),
          planPolicy(scope),
        ),
      });
    }
    this.roles = roles;

    // Outputs are children of the stack, so their IDs are their names in the Terraform JSON.
    const byEnvironment = (pick: (roles: CiRoles) => IamRole) =>
      Object.fromEntries([...roles].map(([name, made]) => [name, pick(made).arn]));
    new TerraformOutput(this, 'deploy_role_arns', {
      description: 'Deploy role ARN by environment: the AWS_ROLE_ARN variable of each GitHub environment.',
      value: byEnvironment((r) => r.deploy),
    });
    new TerraformOutput(this, 'plan_role_arns', {
      description:
        'Read-only plan role ARN by environment: the AWS_PLAN_ROLE_ARN_<ENVIRONMENT> repository variables.',
      value: byEnvironment((r) => r.plan),
    });
    new TerraformOutput(this, 'oidc_provider_arn', {
      description: "ARN of GitHub's OIDC identity provider in this account.",
      value: provider?.arn ?? githubOidcProviderArn(accountId),
    });
  }
}
