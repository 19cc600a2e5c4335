/**
 * Reads a deployed stack's Terraform outputs (token endpoint, clients, user pool) by running
 * `terraform output -json` in the folder cdktf synthesized the stack into.
 */
import { z } from 'zod';
import { stackOutputValuesSchema } from '../constructs/m2m-auth-outputs';
import { findSynthesizedStack } from '../terraform/synthesize';
import { TERRAFORM_INSTALL_URL, TerraformError, terraformJson } from '../terraform/runner';
import { StackOutputsError } from './errors';
import { checkTimeoutMs } from './limits';
import { oneLine } from './untrusted-text';

/** The outputs M2mAuthStack defines, typed; names follow the stack's snake_case output names. */
export interface StackOutputs {
  /** The stack the outputs belong to, e.g. "m2m-auth-dev". */
  readonly stackName: string;
  readonly tokenEndpoint: string;
  readonly userPoolId: string;
  /** The iss claim of the pool's tokens: https://cognito-idp.<region>.amazonaws.com/<pool id>. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly domain: string;
  /**
   * The first client's ID and secret. The secret is the one the client was created with, as
   * Cognito reports it: after `m2m rotate-secret finish` deleted it, there is none.
   */
  readonly clientId: string;
  readonly clientSecret?: string;
  /** Every client's ID and allowed scopes, by client name; secrets as `clientSecret`. */
  readonly clientIds: Readonly<Record<string, string>>;
  readonly clientSecrets: Readonly<Partial<Record<string, string>>>;
  readonly clientScopes: Readonly<Record<string, readonly string[]>>;
  /** ARNs of the Secrets Manager secrets holding each client's credentials, if the stack stores them. */
  readonly credentialsSecretArns: Readonly<Partial<Record<string, string>>>;
  /** Every scope of the resource server, as "<resource server>/<scope>". */
  readonly resourceServerScopeIdentifiers: readonly string[];
}

/** One app client of a stack. */
export interface StackClient {
  readonly name: string;
  readonly clientId: string;
  /** The client's first secret, while Cognito still has it (see StackOutputs.clientSecret). */
  readonly clientSecret?: string;
  /** The scopes the client is allowed, as "<resource server>/<scope>". */
  readonly scopes: readonly string[];
  /** The Secrets Manager secret holding the client's credentials, if the stack stores them. */
  readonly credentialsSecretArn?: string;
}

export interface ReadStackOutputsOptions {
  /**
   * The project root, which holds cdktf.json; the stack is found through its output folder.
   * @default the current directory
   */
  readonly projectDir?: string;
  /**
   * The Terraform executable.
   * @default "terraform", looked up on PATH
   */
  readonly terraform?: string;
  /**
   * How long `terraform output` may take, in milliseconds (a remote state backend is read over the
   * network): 1 to 600000.
   * @default 60000
   */
  readonly timeoutMs?: number;
}

/** How long terraform output may take unless told otherwise. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** The most `terraform output -json` may print: outputs of a few clients are a few kB. */
const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

const terraformOutputSchema = z.record(z.string(), z.object({ value: z.unknown() }));

/**
 * Runs `terraform output -json` in the stack's synthesized folder and returns the outputs.
 * Throws StackOutputsError, with the fix in its message, when the stack is not synthesized or not
 * deployed, or Terraform is missing or fails.
 */
export async function readStackOutputs(
  stackName: string,
  options: ReadStackOutputsOptions = {},
): Promise<StackOutputs> {
  if (!/^[\w.-]+$/.test(stackName) || /^\.+$/.test(stackName)) {
    throw new StackOutputsError(
      'invalid-name',
      `stack name "${stackName}" is invalid: use the name cdktf shows, e.g. m2m-auth-dev`,
    );
  }
  const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const directory = findSynthesizedStack(options.projectDir ?? process.cwd(), stackName, (cause, found) => {
    const fix =
      found.length === 0
        ? `run npx cdktf deploy ${stackName} first, from the project root`
        : `check the stack name, or run npx cdktf deploy ${stackName}`;
    return new StackOutputsError('not-synthesized', `${oneLine(cause)}: ${fix}`);
  });
  const document = await terraformJson(['output', '-json', '-no-color'], {
    cwd: directory,
    terraform: options.terraform,
    timeoutMs,
    maxOutputChars: MAX_OUTPUT_CHARS,
  }).catch((error: unknown) => {
    throw error instanceof TerraformError ? terraformProblem(error, stackName) : error;
  });
  return parseStackOutputs(stackName, document);
}

/**
 * Validates a `terraform output -json` document and types its values. Exported for outputs obtained
 * some other way (a CI artifact, a remote state read).
 */
export function parseStackOutputs(stackName: string, document: unknown): StackOutputs {
  const raw = terraformOutputSchema.safeParse(document);
  if (!raw.success) {
    throw new StackOutputsError(
      'unexpected-outputs',
      `outputs of stack ${stackName} are not a terraform output -json document: check the Terraform version`,
    );
  }
  if (Object.keys(raw.data).length === 0) {
    throw new StackOutputsError(
      'not-deployed',
      `stack ${stackName} has no outputs, so it is not deployed yet: run npx cdktf deploy ${stackName} first`,
    );
  }
  const values = Object.fromEntries(Object.entries(raw.data).map(([name, output]) => [name, output.value]));
  // Only names and shapes are reported: a failed check must not echo a value, as some are secrets.
  const parsed = stackOutputValuesSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [name, ...rest] = issue.path.map(String);
    const what =
      values[name] === undefined ? 'is missing' : `has an unexpected shape at ${[name, ...rest].join('.')}`;
    throw new StackOutputsError(
      'unexpected-outputs',
      `output ${name} of stack ${stackName} ${what}: redeploy the stack with this project (npx cdktf deploy ${stackName})`,
    );
  }
  const o = parsed.data;
  return {
    stackName,
    tokenEndpoint: o.token_endpoint,
    userPoolId: o.user_pool_id,
    issuer: o.issuer,
    jwksUri: o.jwks_uri,
    domain: o.domain,
    clientId: o.client_id,
    clientSecret: o.client_secret,
    clientIds: o.client_ids,
    clientSecrets: Object.fromEntries(
      Object.entries(o.client_secrets).filter((entry): entry is [string, string] => entry[1] !== null),
    ),
    clientScopes: o.client_scopes,
    resourceServerScopeIdentifiers: o.resource_server_scope_identifiers,
    credentialsSecretArns: o.client_credentials_secret_arns ?? {},
  };
}

/**
 * A client of the stack by name; without a name, the first client (the outputs' client_id and
 * client_secret).
 */
export function selectStackClient(outputs: StackOutputs, clientName?: string): StackClient {
  const names = Object.keys(outputs.clientIds);
  if (clientName === undefined) {
    const name = names.find((n) => outputs.clientIds[n] === outputs.clientId) ?? names[0] ?? '';
    return {
      name,
      clientId: outputs.clientId,
      clientSecret: outputs.clientSecret,
      scopes: outputs.clientScopes[name] ?? [],
      credentialsSecretArn: ownValue(outputs.credentialsSecretArns, name),
    };
  }
  if (!Object.hasOwn(outputs.clientIds, clientName)) {
    throw new StackOutputsError(
      'unknown-client',
      `stack ${outputs.stackName} has no client named "${clientName}" (clients: ${oneLine(names.join(', '))}): check the client name`,
    );
  }
  return {
    name: clientName,
    clientId: outputs.clientIds[clientName],
    clientSecret: ownValue(outputs.clientSecrets, clientName),
    scopes: outputs.clientScopes[clientName] ?? [],
    credentialsSecretArn: ownValue(outputs.credentialsSecretArns, clientName),
  };
}

/** A map's own entry, so that a client named "constructor" finds nothing inherited. */
function ownValue<T>(map: Readonly<Partial<Record<string, T>>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** What Terraform's failure means for reading the outputs, and what to do. */
function terraformProblem(error: TerraformError, stackName: string): StackOutputsError {
  const deploy = `npx cdktf deploy ${stackName}`;
  const [problem, fix] = (
    {
      'cannot-run': ['terraform-missing', `install Terraform (${TERRAFORM_INSTALL_URL})`],
      'not-json': ['unexpected-outputs', 'check the Terraform version (1.x)'],
      overflowed: ['unexpected-outputs', `redeploy the stack with this project (${deploy})`],
      'timed-out': ['terraform-failed', 'check the state backend is reachable'],
      failed: [
        'terraform-failed',
        `run ${deploy} first, or terraform init there if the stack was deployed elsewhere`,
      ],
    } as const
  )[error.problem];
  const needed = error.problem === 'cannot-run' ? ', and it is needed to read stack outputs' : '';
  return new StackOutputsError(problem, `${error.message}${needed}: ${fix}`);
}
