import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { Settings } from '../config/settings';
import { CognitoM2mAuth, type M2mClient } from './cognito-m2m-auth';
import { outputDescription, STACK_OUTPUTS, type StackOutputName } from './m2m-auth-outputs';
import { type EnvironmentName, stackEnvironment, variableRules } from './rules';
import { configureStateBackend } from './state-backend';
import { terraformText } from './terraform-text';
import { ValidatedVariable } from './validated-variable';

export interface M2mAuthStackProps {
  /** The environment this stack deploys; the default of the environment_name variable. */
  readonly environmentName: EnvironmentName;
  /** Validated settings; each becomes the default of its Terraform variable. */
  readonly settings: Omit<Settings, 'environments'>;
  /**
   * Where synth writes, relative to the project root; the local state path is derived from it.
   * @default "cdktf.out"
   */
  readonly outdir?: string;
}

/** The stack of an environment, and the folder under cdktf.out/stacks it is synthesized into. */
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
    const { settings } = props;

    // Kept as a variable, as main.tf had it, but only this stack's environment passes: another value
    // would plan that environment's names and protections against this environment's state.
    const environmentName = new ValidatedVariable(this, 'environment_name', {
      description: `Environment name: ${props.environmentName}, the environment of this stack. prod protects the user pool from deletion.`,
      default: props.environmentName,
      rules: [...variableRules.environmentName, stackEnvironment(props.environmentName, id)],
    }).stringValue;
    const awsRegion = new ValidatedVariable(this, 'aws_region', {
      description: 'AWS region to deploy to.',
      default: settings.awsRegion,
      rules: variableRules.awsRegion,
    }).stringValue;
    const userPoolNamePrefix = new ValidatedVariable(this, 'user_pool_name_prefix', {
      description: 'Middle of the user pool name: <environment>-<prefix>-user-pool.',
      default: settings.userPoolNamePrefix,
      rules: variableRules.userPoolNamePrefix,
    }).stringValue;
    const domainPrefix = new ValidatedVariable(this, 'domain_prefix', {
      description:
        'Cognito domain prefix, globally unique: <prefix>-<environment>-auth, or <prefix>-auth in prod.',
      default: settings.domainPrefix,
      rules: variableRules.domainPrefix,
    }).stringValue;
    const projectTag = new ValidatedVariable(this, 'project_tag', {
      description: 'Value of the Project tag on every resource.',
      default: settings.projectTag,
      rules: variableRules.projectTag,
    }).stringValue;

    new AwsProvider(this, 'aws', {
      region: awsRegion,
      defaultTags: [{ tags: defaultTags(environmentName, projectTag) }],
    });
    configureStateBackend(this, {
      stackName: id,
      environmentName: props.environmentName,
      outdir: props.outdir ?? 'cdktf.out',
      remoteState: settings.remoteState,
    });

    this.auth = new CognitoM2mAuth(this, 'cognito', {
      environmentName,
      region: awsRegion,
      userPoolNamePrefix,
      domainPrefix,
      resourceServer: settings.resourceServer,
      clients: settings.clients,
      storeCredentialsInSecretsManager: settings.storeCredentialsInSecretsManager,
      imports: settings.imports?.[props.environmentName],
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
