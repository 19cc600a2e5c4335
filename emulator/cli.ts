/**
 * `npm run emulator`: a local AWS (moto) to try the stacks on without an AWS account.
 *
 *   npm run emulator               start it in the foreground; prints the variables that point AWS tools at it
 *   npm run emulator -- demo       deploy m2m-auth-dev to it from a scratch copy, show what was made, destroy it
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import { type MirrorFallback, withMirrorFallback } from '../terraform/cli-config';
import { runAttached } from '../terraform/runner';
import { type Emulator, startEmulator } from './emulator';

const PROJECT_ROOT = path.join(__dirname, '..');
/** What the app and the npm scripts need; linked, not copied, into the scratch project. */
const PROJECT_FILES = [
  'node_modules',
  'main.ts',
  'config',
  'constructs',
  'terraform',
  'operator',
  'bin',
  'package.json',
  'tsconfig.json',
  '.terraform.lock.hcl',
];

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free one)');
  }
  return parsed;
}

async function start(port: number): Promise<void> {
  const emulator = await startEmulator({ port });
  const exports = Object.entries(emulator.env)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `export ${key}=${value}`);
  process.stdout.write(
    `${emulator.banner}\nAWS emulator on ${emulator.url} until Ctrl-C. In another shell:\n\n  ${exports.join('\n  ')}\n\n` +
      'Its state lives in memory. Deploys from this project write local state files at the project root:\n' +
      'work in a scratch clone, or run npm run emulator -- demo.\n',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.stop();
}

function step(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}

async function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const code = await runAttached(command, args, { cwd, env });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

/** Deploys, shows and destroys m2m-auth-dev in a scratch copy of the project, against a fresh emulator. */
async function demo(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-auth-demo-'));
  let emulator: Emulator | undefined;
  let fallback: MirrorFallback | undefined;
  try {
    for (const name of PROJECT_FILES) fs.symlinkSync(path.join(PROJECT_ROOT, name), path.join(scratch, name));
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
    // One environment is enough to see everything; your cdktf.json's other settings apply.
    cdktfJson.context = { ...cdktfJson.context, environments: ['dev'], remoteState: undefined };
    fs.writeFileSync(path.join(scratch, 'cdktf.json'), JSON.stringify(cdktfJson, null, 2));

    emulator = await startEmulator();
    process.stdout.write(`${emulator.banner}\nAWS emulator on ${emulator.url}; scratch project ${scratch}\n`);
    const { AWS_PROFILE: _profile, ...inherited } = process.env;
    fallback = withMirrorFallback({ ...inherited, ...emulator.env, CHECKPOINT_DISABLE: '1' });
    const env = fallback.env;

    step('npm run deploy -- --auto-approve');
    await run('npm', ['run', 'deploy', '--', '--auto-approve'], scratch, env);
    step('What the emulator now holds');
    await showResources(emulator);
    step('npm run destroy -- --auto-approve');
    await run('npm', ['run', 'destroy', '--', '--auto-approve'], scratch, env);
    const left = await countUserPools(emulator);
    process.stdout.write(
      `\n✓ Deployed and destroyed; ${left} user pool${left === 1 ? '' : 's'} left in the emulator.\n` +
        'The emulator has no OAuth token endpoint, so m2m token needs a real Cognito domain.\n',
    );
    if (left !== 0) process.exitCode = 1;
  } finally {
    fallback?.dispose();
    await emulator?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function cognito(emulator: Emulator) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  const client = new sdk.CognitoIdentityProviderClient({
    endpoint: emulator.url,
    region: emulator.env.AWS_REGION,
    credentials: {
      accessKeyId: emulator.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: emulator.env.AWS_SECRET_ACCESS_KEY,
    },
  });
  return { sdk, client };
}

async function countUserPools(emulator: Emulator): Promise<number> {
  const { sdk, client } = await cognito(emulator);
  const { UserPools = [] } = await client.send(new sdk.ListUserPoolsCommand({ MaxResults: 60 }));
  return UserPools.length;
}

/** One line per resource, read from the emulator (client secrets are never printed). */
async function showResources(emulator: Emulator): Promise<void> {
  const { sdk, client } = await cognito(emulator);
  const { UserPools = [] } = await client.send(new sdk.ListUserPoolsCommand({ MaxResults: 60 }));
  for (const summary of UserPools) {
    const { UserPool } = await client.send(new sdk.DescribeUserPoolCommand({ UserPoolId: summary.Id }));
    process.stdout.write(
      `  user pool      ${UserPool?.Name} (${UserPool?.Id}), deletion protection ${UserPool?.DeletionProtection}\n`,
    );
    const { ResourceServers = [] } = await client.send(
      new sdk.ListResourceServersCommand({ UserPoolId: summary.Id, MaxResults: 50 }),
    );
    for (const server of ResourceServers) {
      const scopes = (server.Scopes ?? []).map((s) => s.ScopeName).join(', ');
      process.stdout.write(`  resource server ${server.Identifier} (${server.Name}), scopes ${scopes}\n`);
    }
    const { UserPoolClients = [] } = await client.send(
      new sdk.ListUserPoolClientsCommand({ UserPoolId: summary.Id, MaxResults: 60 }),
    );
    for (const { ClientId } of UserPoolClients) {
      const { UserPoolClient: c } = await client.send(
        new sdk.DescribeUserPoolClientCommand({ UserPoolId: summary.Id, ClientId }),
      );
      process.stdout.write(
        `  app client     ${c?.ClientName} (${c?.ClientId}), flows ${c?.AllowedOAuthFlows?.join(', ')}, scopes ${c?.AllowedOAuthScopes?.join(' ')}, secret ${c?.ClientSecret ? 'set' : 'none'}\n`,
      );
    }
    if (UserPool?.Domain) process.stdout.write(`  domain         ${UserPool.Domain}\n`);
  }
  client.destroy();
}

const program = new Command('npm run emulator --')
  .description('A local AWS emulator (moto) for trying the stacks without an AWS account.')
  .showHelpAfterError();
program
  .command('start', { isDefault: true })
  .description('start the emulator in the foreground and print the variables that point AWS tools at it')
  .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', port, 4566)
  .action(({ port }) => start(port));
program
  .command('demo')
  .description(
    'deploy m2m-auth-dev to a fresh emulator from a scratch copy of the project, show it, destroy it',
  )
  .action(demo);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
