/**
 * Reading a Terraform state as a list of managed resources: from a state file (format 4, what
 * `terraform state pull` prints) or from `terraform show -json` in a configuration's folder, which
 * also reads remote states. A state is input like any other: its size is bounded, its addresses are
 * checked before they reach a command line, and nothing of it is printed unless asked for.
 */
import * as fs from 'node:fs';
import {
  TERRAFORM_INSTALL_URL,
  TerraformError,
  type TerraformOptions,
  terraformStdout,
} from '../terraform/runner';
import { describeBytes } from './bounded-read';
import { InputError } from './errors';

/**
 * The largest state read: a few kilobytes hold a Cognito deployment, and a state shared with much
 * else stays far below this; anything larger is refused before it is parsed.
 */
export const MAX_STATE_BYTES = 64 * 1024 * 1024;
/** Module nesting deeper than this is no configuration anybody wrote. */
const MAX_MODULE_DEPTH = 32;

/** One managed resource instance of a state. */
export interface StateResource {
  /** Its address, e.g. aws_cognito_user_pool.pool or module.auth.aws_cognito_user_pool_client.c["a"]. */
  readonly address: string;
  readonly type: string;
  /** Its attributes, secrets included: never print them whole. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** How adopt runs terraform: with the environment (credentials, CLI configuration) and time limit given. @default 120 s */
export type TerraformRunOptions = Pick<TerraformOptions, 'env' | 'timeoutMs'>;

// Terraform's identifiers, and instance keys that need no escaping in an address.
const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const KEY = '\\[(?:[0-9]+|"[^"\\\\\\u0000-\\u001f\\u007f-\\u009f$%]*")\\]';
const ADDRESS = new RegExp(
  `^(?:module\\.${NAME}(?:${KEY})?\\.){0,${MAX_MODULE_DEPTH}}${NAME}\\.${NAME}(?:${KEY})?$`,
);

/** Reads a state file, refusing one larger than MAX_STATE_BYTES before reading it. */
export function readStateFile(file: string): StateResource[] {
  const cannotRead = (cause: unknown) =>
    new InputError(`cannot read the state file ${file} (${String(cause)}): check the path`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw cannotRead((error as NodeJS.ErrnoException).code);
  }
  if (!stat.isFile()) throw cannotRead('not a file');
  const { size } = stat;
  if (size > MAX_STATE_BYTES) {
    throw new InputError(
      `the state file ${file} is ${describeBytes(size)}, and adopt reads at most ${describeBytes(MAX_STATE_BYTES)}: check it is a Terraform state (terraform state pull > file)`,
    );
  }
  return parseState(fs.readFileSync(file, 'utf8'), `state file ${file}`);
}

/** Runs `terraform show -json` in a configuration's folder and reads the state it prints. */
export async function readStateWithTerraform(
  dir: string,
  options: TerraformRunOptions = {},
): Promise<StateResource[]> {
  const result = await terraform(['show', '-json', '-no-color'], checkedDir(dir), options);
  return parseState(result, `terraform show -json in ${dir}`);
}

/** `dir`, once it is known to be a folder. */
export function checkedDir(dir: string): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new InputError(`${dir} is not a folder: pass the folder of the Terraform configuration`);
  }
  return dir;
}

/** What to do when terraform gives adopt nothing to read. */
const FIXES = {
  'cannot-run': `install Terraform (${TERRAFORM_INSTALL_URL})`,
  'timed-out': 'check the state backend is reachable',
  overflowed: 'check it is the folder of the old main.tf',
  failed: 'run terraform init there first',
  'not-json': 'check the Terraform version (1.x)',
} as const;

/** Runs terraform in `cwd` and returns its stdout; throws InputError naming the cause and the fix otherwise. */
export async function terraform(
  args: readonly string[],
  cwd: string,
  options: TerraformRunOptions = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return terraformStdout(args, { cwd, env: options.env, timeoutMs, maxOutputChars: MAX_STATE_BYTES }).catch(
    (error: unknown) => {
      throw error instanceof TerraformError
        ? new InputError(`${error.message}: ${FIXES[error.problem]}`)
        : error;
    },
  );
}

/**
 * The managed resources of a state document: a state file (format 4) or `terraform show -json`
 * output. `source` names it in messages.
 */
export function parseState(text: string, source: string): StateResource[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new InputError(`the ${source} is not JSON: pass a Terraform state (terraform state pull > file)`);
  }
  if (!isObject(document)) {
    throw new InputError(`the ${source} is not a Terraform state: pass one (terraform state pull > file)`);
  }
  if ('format_version' in document) return fromShowJson(document, source);
  if (document.version === 4) return fromStateFile(document, source);
  throw new InputError(
    `the ${source} is not a Terraform state of format 4 (version ${JSON.stringify(document.version ?? null)}): use a state written by Terraform 0.12 or later (terraform state pull > file)`,
  );
}

/** A state file: resources with their instances. */
function fromStateFile(document: Record<string, unknown>, source: string): StateResource[] {
  const found: StateResource[] = [];
  for (const resource of arrayAt(document, 'resources', source)) {
    if (!isObject(resource) || resource.mode !== 'managed') continue;
    const { type, name, module } = resource;
    for (const instance of arrayAt(resource, 'instances', source)) {
      if (!isObject(instance) || !isObject(instance.attributes)) {
        throw new InputError(
          `the ${source} has a resource without attributes: use a state written by Terraform 0.12 or later`,
        );
      }
      const key = instance.index_key;
      // A number or a string, as JSON writes either in an address.
      const index = key === undefined ? '' : `[${JSON.stringify(key)}]`;
      const prefix = typeof module === 'string' && module !== '' ? `${module}.` : '';
      found.push(
        resourceAt(`${prefix}${String(type)}.${String(name)}${index}`, type, instance.attributes, source),
      );
    }
  }
  return found;
}

/** `terraform show -json`: a root module whose resources carry their addresses, and child modules. */
function fromShowJson(document: Record<string, unknown>, source: string): StateResource[] {
  const values = document.values;
  if (values === undefined) return []; // no state yet
  if (!isObject(values) || !isObject(values.root_module)) {
    throw new InputError(
      `the ${source} is not terraform show -json output: check the Terraform version (1.x)`,
    );
  }
  const found: StateResource[] = [];
  const modules: { module: Record<string, unknown>; depth: number }[] = [
    { module: values.root_module, depth: 0 },
  ];
  for (let next = modules.pop(); next; next = modules.pop()) {
    if (next.depth > MAX_MODULE_DEPTH) {
      throw new InputError(
        `the ${source} nests modules more than ${MAX_MODULE_DEPTH} deep: pass the state of the old main.tf`,
      );
    }
    for (const resource of optionalArray(next.module.resources)) {
      if (!isObject(resource) || resource.mode !== 'managed') continue;
      found.push(resourceAt(String(resource.address), resource.type, resource.values, source));
    }
    for (const child of optionalArray(next.module.child_modules)) {
      if (isObject(child)) modules.push({ module: child, depth: next.depth + 1 });
    }
  }
  return found;
}

function resourceAt(address: string, type: unknown, values: unknown, source: string): StateResource {
  // Addresses go to `terraform state rm` and into messages: only plain ones are accepted.
  if (!ADDRESS.test(address) || typeof type !== 'string' || !isObject(values)) {
    throw new InputError(
      `the ${source} has a resource address adopt does not take, ${JSON.stringify(address.slice(0, 200))}: rename it in the old configuration (terraform state mv)`,
    );
  }
  return { address, type, values };
}

function arrayAt(object: Record<string, unknown>, key: string, source: string): unknown[] {
  const value = object[key] ?? [];
  if (!Array.isArray(value)) {
    throw new InputError(`the ${source} is not a Terraform state (${key} is not a list): pass one`);
  }
  return value;
}

function optionalArray(value: unknown): unknown[] {
  // Stryker disable next-line ArrayDeclaration: equivalent, the callers skip an entry that is no object.
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
