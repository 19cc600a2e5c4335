/**
 * `m2m rotate-secret start|finish|status`, run in this process: Cognito's rotation calls against
 * aws-sdk-client-mock (backed by FakeCognito, whose token endpoint accepts either active secret),
 * Secrets Manager mocked in memory (the e2e tests use the emulator's), the clock and sleep injected.
 * Every refusal has a test here; cli-rotate-secret.test.ts runs the real CLI.
 */
import { Readable } from 'node:stream';
import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
  AddUserPoolClientSecretCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { RotateFinishOptions, RotateStartOptions, RotateStatusOptions } from '../../operator/cli';
import {
  type RotationDependencies,
  runRotateFinishCommand,
  runRotateStartCommand,
  runRotateStatusCommand,
} from '../../operator/commands/rotate-secret';
import { type CommandContext, createCommandContext } from '../../operator/commands/command-context';
import { ClientCredentialsTokenClient } from '../../operator/token-client';
import { AwsRequestError, InputError, RotationRefusedError, StackOutputsError } from '../../operator/errors';
import { parseStackOutputs } from '../../operator/stack-outputs';
import { SecretRedactor } from '../../operator/secret-redaction';
import { type CognitoMock, mockCognitoRotation } from '../helpers/fakes/cognito-rotation-mock';
import { createSigningKey, FakeCognito, POOL_ID, READ, WRITE } from '../helpers/fakes/cognito';
import { stackOutputValues, terraformOutputDocument } from '../helpers/fakes/terraform';
import { TERMINAL_ACTIVE } from '../helpers/hostile-text';

const FIRST_SECRET = 'first-secret-of-reporting-0123456789';
const CHECKOUT_SECRET = 'first-secret-of-checkout-0123456789';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:m2m-auth/dev/reporting-AbCdEf';
const START = Date.parse('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;

let fake: FakeCognito;
let cognito: CognitoMock;
let secretsManager: AwsClientStub<SecretsManagerClient>;
/** The Secrets Manager secrets of the mock, by ARN: each value's versions, current last. */
let stored: Map<string, string[]>;
let clock: number;
let sleeps: number[];

/** The stack of fake-terraform.ts, its token endpoint the fake's; reporting (client-b) keeps its credentials in Secrets Manager. */
function outputs(overrides: Record<string, unknown> = {}) {
  return parseStackOutputs(
    'm2m-auth-dev',
    terraformOutputDocument(
      stackOutputValues({
        token_endpoint: fake.tokenEndpoint(),
        client_secrets: { 'm2m-client': CHECKOUT_SECRET, reporting: FIRST_SECRET },
        client_secret: CHECKOUT_SECRET,
        client_credentials_secret_arns: { reporting: ARN },
        ...overrides,
      }),
    ),
  );
}

/** The document Terraform writes for reporting. */
function terraformDocument(extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    client_id: 'client-b',
    client_secret: FIRST_SECRET,
    token_endpoint: fake.tokenEndpoint(),
    scopes: [READ],
    ...extra,
  });
}

beforeEach(async () => {
  clock = START;
  sleeps = [];
  fake = await FakeCognito.start({
    key: createSigningKey(),
    clients: {
      'client-a': { secret: CHECKOUT_SECRET, scopes: [READ, WRITE] },
      'client-b': { secret: FIRST_SECRET, scopes: [READ] },
    },
  });
  cognito = mockCognitoRotation(fake, { now: () => clock });
  stored = new Map([[ARN, [terraformDocument()]]]);
  secretsManager = mockClient(SecretsManagerClient);
  secretsManager.on(GetSecretValueCommand).callsFake((input) => {
    const versions = stored.get(input.SecretId);
    if (!versions)
      throw smError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return { ARN: input.SecretId, SecretString: versions.at(-1), VersionId: `v${versions.length}` };
  });
  secretsManager.on(PutSecretValueCommand).callsFake((input) => {
    stored.get(input.SecretId)!.push(input.SecretString);
    return { ARN: input.SecretId, VersionId: `v${stored.get(input.SecretId)!.length}` };
  });
});
afterEach(async () => {
  cognito.restore();
  secretsManager.restore();
  await fake.close();
});

function smError(name: string, message: string) {
  return new SecretsManagerServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

const deps = (overrides: Partial<RotationDependencies> = {}): RotationDependencies => ({
  readOutputs: async () => outputs(),
  cognito: async (region) => new CognitoIdentityProviderClient({ region }),
  secretsManager: async (region) => new SecretsManagerClient({ region }),
  now: () => clock,
  sleep: async (ms) => {
    sleeps.push(ms);
    clock += ms;
  },
  ...overrides,
});

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  /** What the command threw, if it did. */
  readonly error?: Error;
}

/** Runs a command as cli.ts would: its context, and every output checked for secrets. */
async function run<Options extends RotateStatusOptions>(
  command: (context: CommandContext<Options>, deps: RotationDependencies) => Promise<void>,
  options: NoInfer<Options>,
  dependencies = deps(),
  { stdoutIsTerminal = false } = {},
): Promise<Run> {
  const redactor = new SecretRedactor();
  let stdout = '';
  let stderr = '';
  const context = createCommandContext(options, new Set(), redactor, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    stdoutIsTerminal,
    // Rotation reads nothing from stdin.
    stdin: Readable.from([]),
  });
  let error: Error | undefined;
  try {
    await command(context, dependencies);
  } catch (e) {
    error = e as Error;
    // As cli.ts prints it.
    stderr += `error: ${redactor.redact(error.message)}\n`;
  }
  for (const secret of [FIRST_SECRET, CHECKOUT_SECRET]) expect(stdout + stderr).not.toContain(secret);
  expect(stdout + stderr).not.toMatch(TERMINAL_ACTIVE);
  return { stdout, stderr, error };
}

/** What commander would give the command with only --stack and --client reporting. */
const BASE = { stack: 'm2m-auth-dev', client: 'reporting', projectDir: '.', timeout: 5 };

const start = (options: Partial<RotateStartOptions> = {}, dependencies?: RotationDependencies) =>
  run(runRotateStartCommand, { ...BASE, wait: 0, ...options }, dependencies);
const finish = (options: Partial<RotateFinishOptions> = {}, dependencies?: RotationDependencies) =>
  run(runRotateFinishCommand, { ...BASE, ...options }, dependencies);
const status = (options: Partial<RotateStatusOptions> = {}) =>
  run(runRotateStatusCommand, { ...BASE, ...options });

/** The error a run threw, of the expected class, with its one-line message. */
function refusedWith<T extends Error>(result: Run, type: new (...args: never[]) => T): T {
  expect(result.error).toBeInstanceOf(type);
  expect(result.error!.message).not.toMatch(/\n/);
  return result.error as T;
}

/** The current document in the mock's Secrets Manager. */
const document = () => JSON.parse(stored.get(ARN)!.at(-1)!);

/** Whether `secret` gets a token for client-b at the fake. */
async function getsToken(secret: string): Promise<boolean> {
  const tokens = new ClientCredentialsTokenClient({
    tokenEndpoint: fake.tokenEndpoint(),
    clientId: 'client-b',
    clientSecret: secret,
  });
  return tokens.getToken().then(
    () => true,
    () => false,
  );
}

const secretIds = (clientId = 'client-b') => fake.listClientSecrets(clientId).map((s) => s.id);
const calls = (command: Parameters<CognitoMock['commandCalls']>[0]) => cognito.commandCalls(command).length;

describe('start', () => {
  test('adds a secret that gets tokens beside the old one, stores it with its ID, and prints it nowhere', async () => {
    const result = await start();

    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('');
    const [first, added] = fake.listClientSecrets('client-b');
    const newSecret = document().client_secret;
    expect(newSecret).not.toBe(FIRST_SECRET);
    expect(document()).toEqual({
      client_id: 'client-b',
      client_secret: newSecret,
      token_endpoint: fake.tokenEndpoint(),
      scopes: [READ],
      client_secret_id: added.id,
    });
    expect(added.created.getTime()).toBe(START);
    expect(await getsToken(FIRST_SECRET)).toBe(true);
    expect(await getsToken(newSecret)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(newSecret);
    expect(result.stderr).toBe(
      [
        `Added secret ${added.id} to client reporting (client-b) of stack m2m-auth-dev, and got a token with it.`,
        `Stored it in Secrets Manager secret ${ARN}: services reading the secret get it on their next read (a ClientCredentialsTokenClient with reloadClientSecret on its next invalid_client).`,
        'Both secrets get tokens until you finish. Once every caller uses the new one (restart those that read their secret only at start-up):',
        '  m2m rotate-secret finish --stack m2m-auth-dev --client reporting --grace 24h',
        "The stack's client_secret outputs keep the first secret (and none once it is deleted); deploys leave Secrets Manager as it is.",
        '',
      ].join('\n'),
    );
    expect(first.id).toBe(secretIds()[0]);
  });

  test('keeps keys of the document it does not know, and brings scopes and endpoint up to date', async () => {
    stored.set(ARN, [terraformDocument({ owner: 'team-a', scopes: ['m2m-client/old'] })]);
    await start();

    expect(document()).toMatchObject({ owner: 'team-a', scopes: [READ] });
  });

  test('--json prints what was done, and never the secret, where Secrets Manager holds it', async () => {
    const result = await start({ json: true });

    const [, added] = fake.listClientSecrets('client-b');
    expect(JSON.parse(result.stdout)).toEqual({
      stack: 'm2m-auth-dev',
      client: 'reporting',
      client_id: 'client-b',
      added: { id: added.id, created: new Date(START).toISOString() },
      secrets_manager: { secret_arn: ARN, version_id: 'v2' },
    });
    expect(result.stdout).not.toContain(document().client_secret);
  });

  test('without a Secrets Manager secret, --json hands the new secret over on stdout, not on a terminal', async () => {
    const result = await start({ client: 'm2m-client', json: true });

    expect(result.error).toBeUndefined();
    const handed = JSON.parse(result.stdout);
    expect(handed).toMatchObject({ client: 'm2m-client', client_id: 'client-a', secrets_manager: null });
    expect(handed.client_secret).toMatch(/^[a-z0-9]{51}$/);
    expect(fake.listClientSecrets('client-a').map((s) => s.id)).toEqual([
      expect.any(String),
      handed.added.id,
    ]);
    expect(result.stderr).toContain('The new secret is in the JSON on stdout (client_secret)');
    expect(result.stderr).not.toContain(handed.client_secret);
  });

  test('refuses, before anything changes, to add a secret nobody would receive: no Secrets Manager secret and no --json', async () => {
    const result = await start({ client: 'm2m-client' });

    expect(refusedWith(result, InputError).message).toBe(
      'stack m2m-auth-dev keeps no credentials of client m2m-client in Secrets Manager, so the new secret can only be handed over on stdout: add --json and pipe stdout to where the secret belongs',
    );
    expect(cognito.calls()).toHaveLength(0);
  });

  test('refuses, before anything changes, to hand the secret over to a terminal', async () => {
    const result = await run(
      runRotateStartCommand,
      { ...BASE, wait: 0, client: 'm2m-client', json: true },
      deps(),
      { stdoutIsTerminal: true },
    );

    expect(refusedWith(result, InputError).message).toMatch(
      /, and stdout is a terminal, where the secret would stay on screen and in scrollback: pipe stdout to where the secret belongs$/,
    );
    expect(cognito.calls()).toHaveLength(0);
    expect(result.stdout).toBe('');
  });

  test('with Secrets Manager, --json on a terminal is fine: it carries no secret', async () => {
    const result = await run(runRotateStartCommand, { ...BASE, wait: 0, json: true }, deps(), {
      stdoutIsTerminal: true,
    });

    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.stdout).secrets_manager.secret_arn).toBe(ARN);
  });

  test('refuses while a rotation is in progress (two secrets, the most Cognito allows)', async () => {
    fake.addClientSecret('client-b', new Date(START - HOUR));
    const result = await start();

    expect(refusedWith(result, RotationRefusedError)).toMatchObject({ problem: 'rotation-in-progress' });
    expect(result.error!.message).toMatch(
      /^client reporting \(client-b\) already has two secrets \(client-b--\d+ of 2026-01-01T00:00:00.000Z, client-b--\d+ of 2026-03-01T11:00:00.000Z\), the most Cognito allows, so a rotation is in progress: finish it first/,
    );
    expect(calls(AddUserPoolClientSecretCommand)).toBe(0);
    expect(stored.get(ARN)).toHaveLength(1);
  });

  /** Cognito, for a moment after adding a secret, refuses it at the token endpoint. */
  const newSecretsNotYetAccepted = () =>
    cognito.on(AddUserPoolClientSecretCommand).callsFake((input) => {
      const secret = fake.addClientSecret(input.ClientId, new Date(clock));
      fake.notYetAccepted.add(secret.value);
      return {
        ClientSecretDescriptor: {
          ClientSecretId: secret.id,
          ClientSecretValue: secret.value,
          ClientSecretCreateDate: secret.created,
        },
      };
    });

  test('keeps asking while Cognito does not yet accept the new secret, then stores it', async () => {
    newSecretsNotYetAccepted();
    const accepting = deps({
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
        if (sleeps.length === 2) fake.notYetAccepted.clear();
      },
    });
    const result = await start({ wait: 10 }, accepting);

    expect(result.error).toBeUndefined();
    expect(sleeps).toEqual([2000, 2000]);
    expect(secretIds()).toHaveLength(2);
    expect(await getsToken(document().client_secret)).toBe(true);
  });

  test('a new secret that never gets a token is deleted again, and Secrets Manager is left alone', async () => {
    newSecretsNotYetAccepted();
    const result = await start({ wait: 5 });

    const error = refusedWith(result, RotationRefusedError);
    expect(error.problem).toBe('secret-unproven');
    expect(error.message).toMatch(
      new RegExp(
        `^the new secret client-b--${START} of 2026-03-01T12:00:00.000Z got no token from ${fake.tokenEndpoint().replace(/[.]/g, '\\.')} \\(token endpoint rejected the credentials of client client-b \\(invalid_client\\).*\\), so nothing changed: Cognito may take longer to accept a new secret: start again with a longer --wait \\(now 5 s\\)$`,
      ),
    );
    // 0 s, 2 s, 4 s: a fourth try at 6 s would be past the 5 s wait.
    expect(sleeps).toEqual([2000, 2000]);
    expect(calls(DeleteUserPoolClientSecretCommand)).toBe(1);
    expect(secretIds()).toEqual([`client-b--${Date.parse('2026-01-01T00:00:00Z')}`]);
    expect(stored.get(ARN)).toHaveLength(1);
  });

  test('a wait of 4 s tries at 0, 2 and 4 s: a try that would start past the wait is not made', async () => {
    newSecretsNotYetAccepted();
    const result = await start({ wait: 4 });

    expect(refusedWith(result, RotationRefusedError).problem).toBe('secret-unproven');
    expect(sleeps).toEqual([2000, 2000]);
  });

  test('a token endpoint that does not answer is not waited for: the secret is deleted again at once', async () => {
    const result = await start({ wait: 10, tokenEndpoint: fake.tokenEndpoint('server-error') });

    expect(refusedWith(result, RotationRefusedError).message).toMatch(
      /got no token from .*\(token endpoint .* failed with HTTP 503.*\), so nothing changed: check that the token endpoint answers \(m2m token --stack\), then start again$/,
    );
    expect(sleeps).toEqual([]);
    expect(secretIds()).toHaveLength(1);
  });

  test('a refusal other than invalid_client is not waited for either: only a new secret is worth waiting for', async () => {
    const result = await start({ wait: 10, tokenEndpoint: fake.tokenEndpoint('unsupported-grant-type') });

    expect(refusedWith(result, RotationRefusedError).message).toMatch(
      /got no token from .*\(.*unsupported_grant_type.*\), so nothing changed: check that the token endpoint answers \(m2m token --stack\), then start again$/,
    );
    expect(sleeps).toEqual([]);
    expect(secretIds()).toHaveLength(1);
  });

  test('when Secrets Manager refuses the new value, the new secret is deleted again', async () => {
    secretsManager
      .on(PutSecretValueCommand)
      .rejects(smError('AccessDeniedException', 'not allowed: PutSecretValue'));
    const result = await start();

    const error = refusedWith(result, AwsRequestError);
    expect(error.problem).toBe('denied');
    expect(error.message).toMatch(
      new RegExp(
        `^the new secret client-b--${START} of 2026-03-01T12:00:00.000Z was deleted again, so nothing changed: AWS refused Secrets Manager PutSecretValue of ${ARN.replace(/[.]/g, '\\.')} \\(AccessDeniedException: not allowed: PutSecretValue\\): use credentials allowed to do it`,
      ),
    );
    expect(secretIds()).toHaveLength(1);
    expect(document().client_secret).toBe(FIRST_SECRET);
  });

  test('when deleting the unused secret fails too, the error says how to delete it by hand', async () => {
    secretsManager.on(PutSecretValueCommand).rejects(smError('InternalServiceError', 'down'));
    cognito.on(DeleteUserPoolClientSecretCommand).rejects(
      new CognitoIdentityProviderServiceException({
        name: 'TooManyRequestsException',
        $fault: 'client',
        $metadata: { httpStatusCode: 429 },
        message: 'slow down',
      }),
    );
    const result = await start();

    expect(refusedWith(result, AwsRequestError).message).toMatch(
      new RegExp(
        `; and deleting the unused new secret client-b--${START} of .* failed \\(Cognito DeleteUserPoolClientSecret for client reporting \\(client-b\\) failed \\(HTTP 429, TooManyRequestsException: slow down\\): retry later\\): delete it with aws cognito-idp delete-user-pool-client-secret --user-pool-id ${POOL_ID} --client-id client-b --client-secret-id client-b--${START}, then start again$`,
      ),
    );
  });

  test('refuses a Secrets Manager secret that holds another client, before adding anything', async () => {
    stored.set(ARN, [terraformDocument({ client_id: 'client-z' })]);
    const result = await start();

    expect(refusedWith(result, RotationRefusedError)).toMatchObject({ problem: 'credentials-document' });
    expect(result.error!.message).toBe(
      `Secrets Manager secret ${ARN} holds the credentials of client client-z, not of reporting (client-b): check the stack's client_credentials_secret_arns output, or redeploy the stack`,
    );
    expect(calls(AddUserPoolClientSecretCommand)).toBe(0);
  });

  test('refuses a Secrets Manager secret that is not a credentials document, before adding anything', async () => {
    stored.set(ARN, [`{"client_id": "client-b", "secret": "${FIRST_SECRET}"}`]);
    const result = await start();

    expect(refusedWith(result, InputError).message).toMatch(/ has no valid client_secret: /);
    expect(calls(AddUserPoolClientSecretCommand)).toBe(0);
  });

  test('refuses outputs whose user pool and issuer name no region, before asking AWS', async () => {
    const result = await start(
      {},
      deps({ readOutputs: async () => outputs({ user_pool_id: 'eu-west-1_TestPool1' }) }),
    );

    expect(refusedWith(result, StackOutputsError).message).toBe(
      'outputs user_pool_id and issuer of stack m2m-auth-dev name no region, or different ones: redeploy the stack with this project (npx cdktf deploy m2m-auth-dev)',
    );
    expect(cognito.calls()).toHaveLength(0);
  });

  test('asks Cognito and Secrets Manager in the regions the user pool and the secret ARN name', async () => {
    const regions: string[] = [];
    await start(
      {},
      deps({
        cognito: async (region) => (
          regions.push(`cognito ${region}`),
          new CognitoIdentityProviderClient({ region })
        ),
        secretsManager: async (region) => (
          regions.push(`sm ${region}`),
          new SecretsManagerClient({ region })
        ),
      }),
    );
    expect(regions).toEqual(['cognito us-east-1', 'sm us-east-1']);
  });

  test('a hostile AddUserPoolClientSecret reply (no usable secret) is refused, and its secret deleted again', async () => {
    cognito.on(AddUserPoolClientSecretCommand).callsFake((input) => {
      const secret = fake.addClientSecret(input.ClientId, new Date(clock));
      return {
        ClientSecretDescriptor: {
          ClientSecretId: secret.id,
          ClientSecretValue: '\u001b[2J',
          ClientSecretCreateDate: secret.created,
        },
      };
    });
    const result = await start();

    expect(refusedWith(result, AwsRequestError).message).toMatch(
      /was deleted again, so nothing changed: Cognito AddUserPoolClientSecret for client reporting \(client-b\) replied with no secret of 24 to 64 letters, digits, _ or \+ as ClientSecretValue: check AWS_ENDPOINT_URL points at Cognito$/,
    );
    expect(secretIds()).toHaveLength(1);
  });

  test('AWS denying the caller is an AwsRequestError naming the call', async () => {
    cognito.on(ListUserPoolClientSecretsCommand).rejects(
      new CognitoIdentityProviderServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'User is not authorized',
      }),
    );
    const result = await start();

    expect(refusedWith(result, AwsRequestError)).toMatchObject({ problem: 'denied' });
    expect(result.error!.message).toBe(
      'AWS refused Cognito ListUserPoolClientSecrets for client reporting (client-b) (AccessDeniedException: User is not authorized): use credentials allowed to do it (m2m doctor shows whose they are)',
    );
  });
});

describe('finish', () => {
  test('the walk: start, both secrets get tokens, finish, only the new one does, Secrets Manager holds it', async () => {
    await start();
    const newSecret = document().client_secret;
    expect([await getsToken(FIRST_SECRET), await getsToken(newSecret)]).toEqual([true, true]);

    const result = await finish({ yes: true });

    expect(result.error).toBeUndefined();
    expect([await getsToken(FIRST_SECRET), await getsToken(newSecret)]).toEqual([false, true]);
    expect(secretIds()).toEqual([document().client_secret_id]);
    expect(result.stderr).toMatch(
      /^Deleted secret client-b--\d+ of client reporting \(client-b\) of stack m2m-auth-dev; client-b--\d+ \(created 2026-03-01T12:00:00.000Z\) stays, and is the only one that gets tokens now\.\n$/,
    );
  });

  test('--grace deletes once that long has passed since start, by the clock', async () => {
    await start();
    clock = START + 24 * HOUR;
    const result = await finish({ grace: 24 * HOUR, json: true });

    expect(result.error).toBeUndefined();
    const done = JSON.parse(result.stdout);
    expect(done.kept.id).toBe(document().client_secret_id);
    expect(done.deleted.created).toBe('2026-01-01T00:00:00.000Z');
    expect(secretIds()).toEqual([done.kept.id]);
  });

  test('refuses during the grace period, saying when it ends', async () => {
    await start();
    clock = START + 24 * HOUR - 1000;
    const result = await finish({ grace: 24 * HOUR });

    expect(refusedWith(result, RotationRefusedError).message).toMatch(
      /^the grace period of 1d since the new secret client-b--\d+ of 2026-03-01T12:00:00.000Z ends at 2026-03-02T12:00:00.000Z, in 1s: finish then, or now with --yes once every caller uses the new secret$/,
    );
    expect(calls(DeleteUserPoolClientSecretCommand)).toBe(0);
    expect(secretIds()).toHaveLength(2);
  });

  test('refuses while the client has one secret: deleting it would lock every caller out', async () => {
    const result = await finish({ yes: true });

    expect(refusedWith(result, RotationRefusedError).message).toMatch(
      /^client reporting \(client-b\) has one secret \(client-b--\d+ of 2026-01-01T00:00:00.000Z\), so there is nothing to finish and deleting it would lock every caller out: start a rotation first/,
    );
    expect(calls(DeleteUserPoolClientSecretCommand)).toBe(0);
  });

  test('refuses while the client has no secret at all', async () => {
    // A client created without a secret (generate_secret = false) lists none.
    cognito.on(ListUserPoolClientSecretsCommand).resolves({ ClientSecrets: [] });
    const result = await finish({ yes: true });

    expect(refusedWith(result, RotationRefusedError).message).toMatch(
      /^client reporting \(client-b\) has no secret, so there is nothing to finish/,
    );
  });

  test('refuses without --grace or --yes, before reading anything', async () => {
    const result = await finish({});

    expect(refusedWith(result, InputError).message).toMatch(
      /^finish deletes the old secret, locking out every caller still using it: give --grace <duration>/,
    );
    expect(cognito.calls()).toHaveLength(0);
  });

  test('refuses to delete the secret Secrets Manager holds', async () => {
    await start();
    const [old] = fake.listClientSecrets('client-b');
    stored
      .get(ARN)!
      .push(JSON.stringify({ ...document(), client_secret: FIRST_SECRET, client_secret_id: old.id }));
    const result = await finish({ yes: true });

    expect(refusedWith(result, RotationRefusedError)).toMatchObject({ problem: 'stored-secret-is-old' });
    expect(result.error!.message).toMatch(
      new RegExp(
        `^Secrets Manager secret ${ARN.replace(/[.]/g, '\\.')} holds secret ${old.id} of .*, the one finish would delete`,
      ),
    );
    expect(secretIds()).toHaveLength(2);
  });

  test('refuses when Secrets Manager records no secret ID: a deploy may have written the old secret back', async () => {
    await start();
    stored.get(ARN)!.push(terraformDocument());
    const result = await finish({ yes: true });

    expect(refusedWith(result, RotationRefusedError)).toMatchObject({ problem: 'stored-secret-unknown' });
    expect(result.error!.message).toMatch(
      /records no client_secret_id, so it holds a secret m2m rotate-secret start did not write/,
    );
    expect(secretIds()).toHaveLength(2);
  });

  test('refuses when Secrets Manager records a secret the client no longer has', async () => {
    await start();
    stored.get(ARN)!.push(JSON.stringify({ ...document(), client_secret_id: 'client-b--1' }));
    const result = await finish({ yes: true });

    expect(refusedWith(result, RotationRefusedError).message).toMatch(
      /records secret client-b--1, which client reporting \(client-b\) no longer has \(it has client-b--\d+ of .*, client-b--\d+ of .*\): check with m2m rotate-secret status before deleting anything$/,
    );
    expect(secretIds()).toHaveLength(2);
  });

  test('refuses when the secret Secrets Manager holds gets no token: the old one stays', async () => {
    await start();
    stored.get(ARN)!.push(JSON.stringify({ ...document(), client_secret: 'garbled-secret-0123456789' }));
    const result = await finish({ yes: true });

    expect(refusedWith(result, RotationRefusedError)).toMatchObject({ problem: 'secret-unproven' });
    expect(result.error!.message).toMatch(
      /got no token from .* \(token endpoint rejected the credentials .*\), so the old one stays: /,
    );
    expect(result.error!.message).not.toContain('garbled-secret-0123456789');
    expect(secretIds()).toHaveLength(2);
  });

  test("without a Secrets Manager secret, deletes the older secret on the operator's word", async () => {
    const handed = JSON.parse((await start({ client: 'm2m-client', json: true })).stdout);
    const result = await finish({ client: 'm2m-client', yes: true });

    expect(result.error).toBeUndefined();
    expect(fake.listClientSecrets('client-a').map((s) => s.id)).toEqual([handed.added.id]);
  });
});

describe('status', () => {
  test('lists IDs and creation dates, never values, and which one Secrets Manager holds', async () => {
    await start();
    clock = START + 2 * HOUR;
    const result = await status();

    const [first, added] = fake.listClientSecrets('client-b');
    expect(result.stdout).toBe(
      [
        'client reporting (client-b) of stack m2m-auth-dev: 2 secrets',
        `  ${first.id}  created 2026-01-01T00:00:00.000Z (59d 14h ago)`,
        `  ${added.id}  created 2026-03-01T12:00:00.000Z (2h ago)  held by Secrets Manager`,
        `Secrets Manager: ${ARN} holds ${added.id}`,
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe(
      'A rotation is in progress: once every caller uses the newest secret, m2m rotate-secret finish --stack m2m-auth-dev --client reporting --grace <time since start>\n',
    );
    expect(result.stdout).not.toContain(document().client_secret);
    const json = JSON.parse((await status({ json: true })).stdout);
    expect(json.secrets.map((secret: { in_secrets_manager: boolean }) => secret.in_secrets_manager)).toEqual([
      false,
      true,
    ]);
  });

  test('--json, and a document Terraform wrote: no secret ID recorded', async () => {
    const result = await status({ json: true });

    expect(JSON.parse(result.stdout)).toEqual({
      stack: 'm2m-auth-dev',
      client: 'reporting',
      client_id: 'client-b',
      secrets: [{ id: secretIds()[0], created: '2026-01-01T00:00:00.000Z', in_secrets_manager: false }],
      secrets_manager: { secret_arn: ARN, client_secret_id: null },
    });
  });

  test('in text: a document Terraform wrote, and one secret, so no rotation in progress', async () => {
    const result = await status();

    expect(result.stdout).toMatch(
      new RegExp(
        `: 1 secret\\n .*\\nSecrets Manager: ${ARN} records no client_secret_id, as Terraform writes it: the client's first secret, unless a deploy wrote an old one back\\n$`,
      ),
    );
    expect(result.stderr).toBe('');
  });

  test('Secrets Manager holding a secret the client no longer has says so; --json marks none as held', async () => {
    stored.get(ARN)!.push(JSON.stringify({ ...document(), client_secret_id: 'client-b--gone' }));

    expect((await status()).stdout).toMatch(
      new RegExp(`\\nSecrets Manager: ${ARN} holds client-b--gone, which the client no longer has\\n$`),
    );
    const json = JSON.parse((await status({ json: true })).stdout);
    expect(json.secrets.map((secret: { in_secrets_manager: boolean }) => secret.in_secrets_manager)).toEqual([
      false,
    ]);
    expect(json.secrets_manager).toEqual({ secret_arn: ARN, client_secret_id: 'client-b--gone' });
  });

  test('a client without a Secrets Manager secret', async () => {
    const result = await status({ client: 'm2m-client' });

    expect(result.stdout).toMatch(
      /: 1 secret\n .*\nSecrets Manager: the stack keeps no credentials of this client there\n$/,
    );
    expect(secretsManager.calls()).toHaveLength(0);
  });

  test('what Cognito lists reaches the terminal sanitized, and a list longer than two is refused', async () => {
    cognito.on(ListUserPoolClientSecretsCommand).resolves({
      ClientSecrets: [
        { ClientSecretId: 'client-b--1\u001b]0;owned\u0007', ClientSecretCreateDate: new Date(START) },
      ],
    });
    // run() checks no escape sequence is left; the title-setting one is gone whole.
    expect((await status()).stdout).toContain('  client-b--1  created 2026-03-01T12:00:00.000Z');

    cognito.on(ListUserPoolClientSecretsCommand).resolves({
      ClientSecrets: [1, 2, 3].map((n) => ({
        ClientSecretId: `client-b--${n}`,
        ClientSecretCreateDate: new Date(START),
      })),
    });
    expect(refusedWith(await status(), AwsRequestError).message).toMatch(
      /replied with more than the two secrets Cognito allows a client: check AWS_ENDPOINT_URL points at Cognito$/,
    );
  });
});
