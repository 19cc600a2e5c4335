/**
 * Reads a deployed stack's Terraform outputs (token endpoint, clients, user pool) by running
 * `terraform output -json` in the folder cdktf synthesized the stack into.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { stackOutputValuesSchema } from '../constructs/m2m-auth-outputs';
import { displayPath, terraformError } from '../terraform-check/terraform';
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
   * The project root, which holds cdktf.out.
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

const terraformOutputSchema = z.record(z.string(), z.object({ value: z.unknown() }));

/** Where cdktf synthesizes a stack, relative to the project root. */
export function stackDirectory(stackName: string, projectDir = process.cwd()): string {
  return path.join(projectDir, 'cdktf.out', 'stacks', stackName);
}

/**
 * Runs `terraform output -json` in the stack's folder under cdktf.out/stacks and returns the outputs.
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
  checkTimeoutMs('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const projectDir = options.projectDir ?? process.cwd();
  const directory = stackDirectory(stackName, projectDir);
  if (!fs.existsSync(directory)) throw notSynthesized(stackName, projectDir);
  const stdout = await runTerraformOutput(stackName, directory, options);
  return parseStackOutputs(stackName, parseJson(stackName, stdout));
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

function notSynthesized(stackName: string, projectDir: string): StackOutputsError {
  const stacksDir = path.dirname(stackDirectory(stackName, projectDir));
  const shown = displayPath(stacksDir);
  const found = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [];
  if (found.length === 0) {
    return new StackOutputsError(
      'not-synthesized',
      `stack ${stackName} is not in ${shown}: run npx cdktf deploy ${stackName} first, from the project root`,
    );
  }
  return new StackOutputsError(
    'not-synthesized',
    `stack ${stackName} is not in ${shown} (found: ${oneLine(found.join(', '))}): check the stack name, or run npx cdktf deploy ${stackName}`,
  );
}

function runTerraformOutput(
  stackName: string,
  directory: string,
  options: ReadStackOutputsOptions,
): Promise<string> {
  const terraform = options.terraform ?? 'terraform';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(
      terraform,
      ['output', '-json', '-no-color'],
      {
        cwd: directory,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        // No update check: it would reach out to the internet on every call.
        env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const shown = displayPath(directory);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(
            new StackOutputsError(
              'terraform-missing',
              `${terraform} not found on PATH, and it is needed to read stack outputs: install Terraform (https://developer.hashicorp.com/terraform/install)`,
            ),
          );
        }
        if (error.killed) {
          return reject(
            new StackOutputsError(
              'terraform-failed',
              `terraform output in ${shown} did not finish within ${timeoutMs / 1000} s: check the state backend is reachable`,
            ),
          );
        }
        reject(
          new StackOutputsError(
            'terraform-failed',
            `terraform output failed in ${shown} (${terraformError(stderr)}): run npx cdktf deploy ${stackName} first, or terraform init there if the stack was deployed elsewhere`,
          ),
        );
      },
    );
  });
}

function parseJson(stackName: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StackOutputsError(
      'unexpected-outputs',
      `terraform output -json for stack ${stackName} did not print JSON: check the Terraform version (1.x)`,
    );
  }
}
