import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  COGNITO_M2M_AUTH_DEFAULTS,
  CognitoM2mAuth,
  type CognitoM2mAuthProps,
  type M2mClient,
} from './cognito-m2m-auth';
import { outputDescription, STACK_OUTPUTS, type StackOutputName } from './m2m-auth-outputs';
import { type EnvironmentName, stackEnvironment, variableRules } from './rules';
import { configureStateBackend, type RemoteState } from './state-backend';
import { terraformText } from './terraform-text';
import { ValidatedVariable } from './validated-variable';

/**
 * CognitoM2mAuth's props, but the environment and the region: each prop that is also a variable of
 * the stack (userPoolNamePrefix, domainPrefix) is that variable's default.
 */
export interface M2mAuthStackProps extends Omit<CognitoM2mAuthProps, 'environmentName' | 'region'> {
  /** The environment this stack deploys; the default of the environment_name variable. */
  readonly environmentName: EnvironmentName;
  /** The default of the aws_region variable, and of the state bucket's region. @default "us-east-1" */
  readonly awsRegion?: string;
  /** The default of the project_tag variable, the Project tag on every resource. @default "m2m-auth" */
  readonly projectTag?: string;
  /** S3 state, one key per environment. @default none: a local file at the project root */
  readonly remoteState?: RemoteState;
  /**
   * Where synth writes, relative to the project root; the local state path is derived from it.
   * @default "cdktf.out"
   */
  readonly outdir?: string;
}

/** What an M2mAuthStack uses for a prop left out: the defaults of the original variables.tf. */
export const M2M_AUTH_STACK_DEFAULTS = {
  awsRegion: 'us-east-1',
  projectTag: 'm2m-auth',
} as const satisfies Partial<M2mAuthStackProps>;

/** The stack of an environment, and the name of the folder cdktf synthesizes it into. */
export function stackName(environmentName: EnvironmentName): string {
  return `m2m-auth-${environmentName}`;
}

/** The tags the provider puts on every resource of a stack (Cognito tags only the user pool). */
export function defaultTags(environmentName: string, projectTag: string): Record<string, string> {
  return { Environment: environmentName, Project: projectTag, ManagedBy: 'cdktf' };
}

/**
 * One environment's Cognito M2M authentication, with the variables and outputs of the original
 * main.tf and variables.tf, and its own state.
 */
export class M2mAuthStack extends TerraformStack {
  public readonly auth: CognitoM2mAuth;

  constructor(scope: Construct, id: string, props: M2mAuthStackProps) {
    super(scope, id);
    const region = props.awsRegion ?? M2M_AUTH_STACK_DEFAULTS.awsRegion;

    // Kept as a variable, as main.tf had it, but only this stack's environment passes: another value
    // would plan that environment's names and protections against this environment's state.
    const environmentName = new ValidatedVariable(this, 'environment_name', {
      description: `Environment name: ${props.environmentName}, the environment of this stack. prod protects the user pool from deletion.`,
      default: props.environmentName,
      rules: [...variableRules.environmentName, stackEnvironment(props.environmentName, id)],
    }).stringValue;
    const awsRegion = new ValidatedVariable(this, 'aws_region', {
      description: 'AWS region to deploy to.',
      default: region,
      rules: variableRules.awsRegion,
    }).stringValue;
    const userPoolNamePrefix = new ValidatedVariable(this, 'user_pool_name_prefix', {
      description: 'Middle of the user pool name: <environment>-<prefix>-user-pool.',
      default: props.userPoolNamePrefix ?? COGNITO_M2M_AUTH_DEFAULTS.userPoolNamePrefix,
      rules: variableRules.userPoolNamePrefix,
    }).stringValue;
    const domainPrefix = new ValidatedVariable(this, 'domain_prefix', {
      description:
        'Cognito domain prefix, globally unique: <prefix>-<environment>-auth, or <prefix>-auth in prod.',
      default: props.domainPrefix ?? COGNITO_M2M_AUTH_DEFAULTS.domainPrefix,
      rules: variableRules.domainPrefix,
    }).stringValue;
    const projectTag = new ValidatedVariable(this, 'project_tag', {
      description: 'Value of the Project tag on every resource.',
      default: props.projectTag ?? M2M_AUTH_STACK_DEFAULTS.projectTag,
      rules: variableRules.projectTag,
    }).stringValue;

    new AwsProvider(this, 'aws', {
      region: awsRegion,
      defaultTags: [{ tags: defaultTags(environmentName, projectTag) }],
    });
    configureStateBackend(this, {
      stackName: id,
      environmentName: props.environmentName,
      region,
      outdir: props.outdir,
      remoteState: props.remoteState,
    });

    this.auth = new CognitoM2mAuth(this, 'cognito', {
      environmentName,
      region: awsRegion,
      userPoolNamePrefix,
      domainPrefix,
      resourceServer: props.resourceServer,
      clients: props.clients,
      storeCredentialsInSecretsManager: props.storeCredentialsInSecretsManager,
      imports: props.imports,
    });

    this.defineOutputs();
  }

  private defineOutputs(): void {
    const auth = this.auth;
    // Keys of an output's object are templates too: a client's name stays text.
    const clients = [...auth.clients.entries()].map(
      ([name, client]) => [terraformText(name), client] as const,
    );
    const [, first] = clients[0];
    // Descriptions are not templates: the name as it is.
    const [firstName] = auth.clients.keys();
    const output = (name: StackOutputName, value: unknown) =>
      new TerraformOutput(this, name, {
        description: outputDescription(name, firstName),
        value,
        sensitive: STACK_OUTPUTS[name].sensitive,
      }).overrideLogicalId(name);
    const byClient = (value: (client: M2mClient) => unknown) =>
      Object.fromEntries(clients.map(([name, client]) => [name, value(client)]));

    output('user_pool_id', auth.userPool.id);
    output('user_pool_arn', auth.userPool.arn);
    output('client_id', first.client.clientId);
    output('client_secret', first.client.clientSecret);
    output(
      'client_ids',
      byClient((c) => c.client.clientId),
    );
    output(
      'client_secrets',
      byClient((c) => c.client.clientSecret),
    );
    output(
      'client_scopes',
      byClient((c) => c.scopeIdentifiers),
    );
    output('domain', auth.domain.domain);
    output('token_endpoint', auth.tokenEndpoint);
    output('resource_server_scope_identifiers', auth.scopeIdentifiers);
    output('issuer', auth.issuer);
    output('jwks_uri', auth.jwksUri);
    const secrets = clients.filter(([, c]) => c.credentialsSecret);
    if (secrets.length > 0) {
      output(
        'client_credentials_secret_arns',
        Object.fromEntries(secrets.map(([name, c]) => [name, c.credentialsSecret!.secretArn])),
      );
    }
  }
}
