/**
 * The outputs of an M2mAuthStack, in one place: their names, descriptions, sensitivity and the shape
 * of their values. The stack defines its outputs from it, the operator parses `terraform output -json`
 * with it, and the tests build their fixtures from it, so renaming an output is one edit here and the
 * compiler finds every use. No cdktf here: the operator loads it without loading cdktf.
 */
import { z } from 'zod';

interface OutputContract {
  /** What the output holds; some name the first client, as client_id and client_secret are its. */
  readonly description: string | ((firstClient: string) => string);
  /** Terraform hides a sensitive output's value in plans and `terraform output`. */
  readonly sensitive: boolean;
  /** The value as `terraform output -json` shows it. */
  readonly value: z.ZodType;
  /** Present only in stacks that store credentials in Secrets Manager. @default false */
  readonly withStoredCredentials?: boolean;
}

const string = z.string();
const byClient = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

export const STACK_OUTPUTS = {
  user_pool_id: { description: 'ID of the Cognito user pool.', sensitive: false, value: string },
  user_pool_arn: { description: 'ARN of the Cognito user pool.', sensitive: false, value: string },
  client_id: {
    description: (first) => `App client ID of ${first}, the first client.`,
    sensitive: false,
    value: string,
  },
  client_secret: {
    description: (first) => `App client secret of ${first}, the first client.`,
    sensitive: true,
    // Terraform drops a null output: so after `m2m rotate-secret finish` deleted the client's first
    // secret and a refresh has read that.
    value: string.optional(),
  },
  client_ids: { description: 'App client IDs by client name.', sensitive: false, value: byClient(string) },
  client_secrets: {
    description: 'App client secrets by client name.',
    sensitive: true,
    // A map keeps a null: a client whose first secret was deleted by a rotation.
    value: byClient(string.nullable()),
  },
  client_scopes: {
    description: 'Scopes each client may ask for, by client name.',
    sensitive: false,
    value: byClient(z.array(string)),
  },
  domain: {
    description: 'Cognito domain prefix of the managed login and token endpoint.',
    sensitive: false,
    value: string,
  },
  token_endpoint: {
    description: 'OAuth 2.0 token endpoint for the client-credentials grant.',
    sensitive: false,
    value: string,
  },
  resource_server_scope_identifiers: {
    description: 'Full scope identifiers to request tokens with.',
    sensitive: false,
    value: z.array(string),
  },
  issuer: { description: 'Issuer (iss claim) of the access tokens.', sensitive: false, value: string },
  jwks_uri: {
    description: "URL of the pool's JSON Web Key Set, for verifying tokens.",
    sensitive: false,
    value: string,
  },
  client_credentials_secret_arns: {
    description: "ARNs of the Secrets Manager secrets holding each client's credentials, by client name.",
    sensitive: false,
    value: byClient(string).optional(),
    withStoredCredentials: true,
  },
} as const satisfies Record<string, OutputContract>;

export type StackOutputName = keyof typeof STACK_OUTPUTS;

/** The outputs of a stack, with or without credentials stored in Secrets Manager, sorted by name. */
export function stackOutputNames(withStoredCredentials = false): StackOutputName[] {
  return (Object.keys(STACK_OUTPUTS) as StackOutputName[])
    .filter((name) => withStoredCredentials || !(STACK_OUTPUTS[name] as OutputContract).withStoredCredentials)
    .sort();
}

/** The description of an output, for a stack whose first client is `firstClient`. */
export function outputDescription(name: StackOutputName, firstClient: string): string {
  const { description } = STACK_OUTPUTS[name] as OutputContract;
  return typeof description === 'function' ? description(firstClient) : description;
}

/** The outputs' values, by name, as `terraform output -json` holds them. */
export const stackOutputValuesSchema = z.object(
  Object.fromEntries(Object.entries(STACK_OUTPUTS).map(([name, output]) => [name, output.value])) as {
    [Name in StackOutputName]: (typeof STACK_OUTPUTS)[Name]['value'];
  },
);

export type StackOutputValues = z.output<typeof stackOutputValuesSchema>;
