/**
 * `m2m adopt`: take over a deployment of the original main.tf. Without --finish it writes cdktf.json
 * and prints the plan to expect; with --finish, after the deploy, it drops the resources from the old
 * state so that the old configuration can no longer destroy them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stackName } from '../../constructs/m2m-auth-stack';
import { findSynthesizedStack, outputDirectory } from '../../terraform/synthesize';
import { displayPath } from '../../terraform/runner';
import {
  adoptedResources,
  type Adoption,
  checkTakenOver,
  deriveAdoption,
  findDeployment,
  formatJson,
  planAdoption,
  planSummary,
  USER_POOL_CLIENT,
  withoutImports,
} from '../adopt';
import { AdoptionRefusedError, InputError } from '../errors';
import {
  checkedDir,
  parseState,
  readStateFile,
  readStateWithTerraform,
  type StateResource,
  terraform,
  type TerraformRunOptions,
} from '../terraform-state';
import { printable } from '../untrusted-text';
import type { AdoptOptions } from '../cli';
import type { CommandContext } from './command-context';

/** cdktf.json is a few kilobytes; this bounds a read of something else by mistake. */
const MAX_CDKTF_JSON_BYTES = 1024 * 1024;

export async function runAdoptCommand(context: CommandContext<AdoptOptions>): Promise<void> {
  const { options } = context;
  // cli.ts has made sure exactly one of fromState and fromDir is given.
  const run: TerraformRunOptions = { timeoutMs: options.timeout * 1000 };
  const old = await readOldState(context, run);
  // The old state holds client secrets: whatever is printed or thrown from here on is masked.
  maskClientSecrets(context, old.resources);
  const adoption = deriveAdoption(findDeployment(old.resources));
  if (options.finish) await finish(context, adoption, old.pulled, run);
  else start(context, adoption);
}

/**
 * The old state's resources. With --finish and --from-dir it is pulled (terraform state pull reads
 * local and remote states alike), and that very text becomes the backup.
 */
async function readOldState(
  context: CommandContext<AdoptOptions>,
  run: TerraformRunOptions,
): Promise<{ resources: StateResource[]; pulled?: string }> {
  const { options } = context;
  if (options.fromState !== undefined) return { resources: readStateFile(options.fromState) };
  // Checked before anything is said of reading it.
  const dir = checkedDir(options.fromDir!);
  if (options.finish) {
    context.note(`Reading the old state: terraform state pull in ${printable(dir)}\n`);
    const pulled = await terraform(['state', 'pull'], dir, run);
    return { resources: parseState(pulled, `state of ${dir}`), pulled };
  }
  context.note(`Reading the old state: terraform show -json in ${printable(dir)}\n`);
  return { resources: await readStateWithTerraform(dir, run) };
}

function maskClientSecrets(context: CommandContext<AdoptOptions>, resources: readonly StateResource[]): void {
  for (const resource of resources) {
    if (resource.type === USER_POOL_CLIENT) context.redactor.add(String(resource.values.client_secret ?? ''));
  }
}

/** Writes the settings and imports into cdktf.json and says what comes next. */
function start(context: CommandContext<AdoptOptions>, adoption: Adoption): void {
  const { options } = context;
  const file = path.join(options.projectDir, 'cdktf.json');
  const cdktfJson = readCdktfJson(file);
  const plan = planAdoption((cdktfJson.context ?? {}) as Record<string, unknown>, adoption);
  writeCdktfJson(file, { ...cdktfJson, context: plan.context });

  const { deployment, environment, settings, imports } = adoption;
  const stack = stackName(environment);
  const lines = [
    `Adopting ${deployment.pool.address} (user pool ${imports.userPoolId}) as stack ${stack}, region ${settings.awsRegion}:`,
    `  ${deployment.pool.address}: user pool, prefix ${JSON.stringify(settings.userPoolNamePrefix)}`,
    `  ${deployment.resourceServer.address}: resource server ${JSON.stringify(settings.resourceServer.identifier)}, scopes ${settings.resourceServer.scopes.map((s) => s.name).join(', ')}`,
    `  ${deployment.domain.address}: domain, prefix ${JSON.stringify(settings.domainPrefix)}`,
    ...settings.clients.map(
      (client, index) =>
        `  ${deployment.clients[index].address}: client ${JSON.stringify(client.name)}${client.appClientName === undefined ? '' : ` (keeps its Cognito name ${JSON.stringify(client.appClientName)})`}, scopes ${client.scopes.join(', ')}, tokens valid ${client.accessTokenValidityMinutes} minutes`,
    ),
    ...(deployment.others.length > 0
      ? [`Left in the old state, as this project does not manage them: ${deployment.others.join(', ')}`]
      : []),
    `Wrote ${displayPath(file)}: ${plan.keys.join(', ')}.`,
    '',
    `Expected on the first deploy of ${stack}: ${planSummary(plan.expected)}`,
    ...(plan.expected.tags
      ? [`  The change: the user pool's tags (${describeTags(plan.expected.tags)}).`]
      : []),
    '  Never changed: the user pool ID and issuer, the client IDs and secrets, the domain.',
    '',
    'Next:',
    `  npm run diff -- ${stack}      the plan must say the above; nothing to add or destroy`,
    `  npm run deploy -- ${stack}    imports them (or npm run synth, then terraform apply in its folder in ${displayPath(outputDirectory(options.projectDir))})`,
    `  npm run --silent m2m -- adopt --finish ${sourceArguments(options)}`,
    '      then drops them from the old state (with a backup), so the old configuration cannot destroy them',
  ];
  context.print(printableLines(lines));
}

/** After the deploy: the old state lets go of what the new state holds, with a backup first. */
async function finish(
  context: CommandContext<AdoptOptions>,
  adoption: Adoption,
  pulled: string | undefined,
  run: TerraformRunOptions,
): Promise<void> {
  const { options } = context;
  const { deployment, environment } = adoption;
  const stack = stackName(environment);
  const stackDir = findSynthesizedStack(
    options.projectDir,
    stack,
    (cause) =>
      new AdoptionRefusedError(
        `${cause}, so nothing shows it holds the resources: deploy first (npm run deploy -- ${stack}), then run adopt --finish again`,
      ),
  );
  let taken: StateResource[];
  try {
    taken = await readStateWithTerraform(stackDir, run);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Its message is "<cause>: <fix>"; the fix here is another.
    const cause = error.message.slice(0, error.message.lastIndexOf(': '));
    throw new AdoptionRefusedError(
      `cannot read the state of ${stack} (${cause}): deploy first (npm run deploy -- ${stack}), then run adopt --finish again`,
    );
  }
  maskClientSecrets(context, taken);
  checkTakenOver(deployment, taken, stack);

  const addresses = adoptedResources(deployment).map((resource) => resource.address);
  const backup = await removeFromOldState(options, addresses, pulled, run);
  const file = path.join(options.projectDir, 'cdktf.json');
  const cdktfJson = readCdktfJson(file);
  const before = (cdktfJson.context ?? {}) as Record<string, unknown>;
  const after = withoutImports(before, environment);
  if (after !== before) writeCdktfJson(file, { ...cdktfJson, context: after });

  const lines = [
    `The state of ${stack} holds all ${addresses.length}, with the same IDs.`,
    `Backed up the old state to ${displayPath(backup)}.`,
    `Removed from the old state: ${addresses.join(', ')}.`,
    after !== before
      ? `Removed imports.${environment} from ${displayPath(file)}: the resources are managed here now.`
      : `${displayPath(file)} had no imports.${environment} to remove.`,
    '',
    'Retire the old configuration: it still declares them, and its next terraform apply would create them anew.',
    `Check: npm run diff -- ${stack} shows no changes.`,
  ];
  context.print(printableLines(lines));
}

/** Backs up the old state, then `terraform state rm`s the addresses; returns the backup's path. */
async function removeFromOldState(
  options: AdoptOptions,
  addresses: readonly string[],
  pulled: string | undefined,
  run: TerraformRunOptions,
): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  if (options.fromState !== undefined) {
    const stateFile = path.resolve(options.fromState);
    const backup = `${stateFile}.m2m-adopt-${stamp}.backup`;
    fs.copyFileSync(stateFile, backup, fs.constants.COPYFILE_EXCL);
    // A folder of its own, so that no configuration or backend around the file is picked up; it also
    // takes Terraform's own backup, a rewrite of the state: ours is the file byte for byte.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-adopt-'));
    try {
      const discarded = path.join(scratch, 'terraform.tfstate.backup');
      await terraform(
        ['state', 'rm', `-state=${stateFile}`, `-backup=${discarded}`, ...addresses],
        scratch,
        run,
      );
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return backup;
  }
  const dir = options.fromDir!;
  const backup = path.join(dir, `terraform.tfstate.m2m-adopt-${stamp}.backup`);
  // The state adopt checked, as pulled: it holds client secrets, so only its owner may read it.
  fs.writeFileSync(backup, pulled!, { flag: 'wx', mode: 0o600 });
  await terraform(['state', 'rm', ...addresses], dir, run);
  return backup;
}

function readCdktfJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_CDKTF_JSON_BYTES)
      throw Object.assign(new Error(), { code: 'too large' });
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${displayPath(file)} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): run adopt in this project's root, or pass --project-dir`,
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InputError(`${displayPath(file)} is not a JSON object: fix it first`);
}

/** Replaces cdktf.json whole (a half-written file would stop every synth). */
function writeCdktfJson(file: string, content: Record<string, unknown>): void {
  const temporary = `${file}.m2m-adopt.tmp`;
  fs.writeFileSync(temporary, `${formatJson(content)}\n`);
  fs.renameSync(temporary, file);
}

/** Lines for stdout, with any control character from the old state written as an escape. */
function printableLines(lines: readonly string[]): string {
  return lines.map((line) => `${printable(line)}\n`).join('');
}

function describeTags(tags: {
  removed: readonly string[];
  added: readonly string[];
  changed: readonly string[];
}): string {
  const parts = [
    tags.removed.length > 0 ? `${tags.removed.join(', ')} removed` : '',
    tags.added.length > 0 ? `${tags.added.join(', ')} added` : '',
    tags.changed.length > 0 ? `${tags.changed.join(', ')} changed` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'now set by the provider';
}

/** The --from-state or --from-dir argument again, quoted for a POSIX shell. */
function sourceArguments(options: AdoptOptions): string {
  const [flag, value] =
    options.fromState !== undefined ? ['--from-state', options.fromState] : ['--from-dir', options.fromDir!];
  const dir = options.projectDir === '.' ? '' : ` --project-dir ${shellWord(options.projectDir)}`;
  return `${flag} ${shellWord(value)}${dir}`;
}

function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
