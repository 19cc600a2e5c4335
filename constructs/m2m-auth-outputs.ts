/**
 * The outputs of an M2mAuthStack, in one place: their names, descriptions, sensitivity and the shape
 * of their values. The stack defines its outputs from it, the operator parses `terraform output -json`
 * with it, and the tests build their fixtures from it, so renaming an output is one edit here and the
 * compiler finds every use. No cdktf here: the operator loads it without loading cdktf.
 */
import { z } from 'zod';

/** An output: what it holds (some name the stack's first client), and its value as `terraform output -json` shows it. */
function output<Value extends z.ZodType>(
  description: string | ((firstClient: string) => string),
  value: Value,
  /** Hidden in plans and `terraform output`; only in stacks that store credentials in Secrets Manager. */
  { sensitive = false, withStoredCredentials = false } = {},
) {
  return { description, value, sensitive, withStoredCredentials };
}

const string = z.string();
const byClient = <Value extends z.ZodType>(value: Value) => z.record(z.string(), value);

export const STACK_OUTPUTS = {
  user_pool_id: output('ID of the Cognito user pool.', string),
  user_pool_arn: output('ARN of the Cognito user pool.', string),
  client_id: output((first) => `App client ID of ${first}, the first client.`, string),
  // Optional: Terraform drops a null output, so after `m2m rotate-secret finish` deleted the
  // client's first secret and a refresh has read that.
  client_secret: output((first) => `App client secret of ${first}, the first client.`, string.optional(), {
    sensitive: true,
  }),
  client_ids: output('App client IDs by client name.', byClient(string)),
  // A map keeps a null: a client whose first secret a rotation deleted.
  client_secrets: output('App client secrets by client name.', byClient(string.nullable()), {
    sensitive: true,
  }),
  client_scopes: output('Scopes each client may ask for, by client name.', byClient(z.array(string))),
  domain: output('Cognito domain prefix of the managed login and token endpoint.', string),
  token_endpoint: output('OAuth 2.0 token endpoint for the client-credentials grant.', string),
  resource_server_scope_identifiers: output(
    'Full scope identifiers to request tokens with.',
    z.array(string),
  ),
  issuer: output('Issuer (iss claim) of the access tokens.', string),
  jwks_uri: output("URL of the pool's JSON Web Key Set, for verifying tokens.", string),
  client_credentials_secret_arns: output(
    "ARNs of the Secrets Manager secrets holding each client's credentials, by client name.",
    byClient(string).optional(),
    { withStoredCredentials: true },
  ),
};

export type StackOutputName = keyof typeof STACK_OUTPUTS;

/** The outputs of a stack, with or without credentials stored in Secrets Manager, sorted by name. */
export function stackOutputNames(withStoredCredentials = false): StackOutputName[] {
  return (Object.keys(STACK_OUTPUTS) as StackOutputName[])
    .filter((name) => withStoredCredentials || !STACK_OUTPUTS[name].withStoredCredentials)
    .sort();
}

/** The description of an output, for a stack whose first client is `firstClient`. */
export function outputDescription(name: StackOutputName, firstClient: string): string {
  const { description } = STACK_OUTPUTS[name];
  return typeof description === 'function' ? description(firstClient) : description;
}

/** The outputs' values, by name, as `terraform output -json` holds them. */
export const stackOutputValuesSchema = z.object(
  Object.fromEntries(Object.entries(STACK_OUTPUTS).map(([name, { value }]) => [name, value])) as {
    [Name in StackOutputName]: (typeof STACK_OUTPUTS)[Name]['value'];
  },
);

export type StackOutputValues = z.output<typeof stackOutputValuesSchema>;
