/**
 * A secret rotation on a deployed stack that keeps its credentials in Secrets Manager, and the
 * deploys after it. Secrets Manager is the emulator's; Cognito's rotation calls, which the emulator
 * lacks, go to aws-sdk-client-mock over a FakeCognito that knows the deployed client and its secret,
 * and whose token endpoint accepts either active secret.
 *
 * Then Terraform: a deploy after start changes nothing (Cognito, like the emulator, keeps reporting
 * the client's first secret, and Terraform reads its own Secrets Manager version by ID); after
 * finish Cognito reports no secret, which the emulator cannot, so the state is given what a refresh
 * then records (the provider copies DescribeUserPoolClient's ClientSecret), and the plan must leave
 * Secrets Manager alone: without the construct's lifecycle it would write the missing secret back.
 */
import { Readable } from 'node:stream';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RotateFinishOptions, RotateStartOptions, RotateStatusOptions } from '../../operator/cli';
import { type CommandContext, createCommandContext } from '../../operator/commands/command-context';
import {
  type RotationDependencies,
  runRotateFinishCommand,
  runRotateStartCommand,
  runRotateStatusCommand,
} from '../../operator/commands/rotate-secret';
import { secretsManagerSecretLoader } from '../../operator/credentials-secret';
import { SecretRedactor } from '../../operator/secret-redaction';
import { readStackOutputs, type StackOutputs } from '../../operator/stack-outputs';
import { ClientCredentialsTokenClient } from '../../operator/token-client';
import type { PlanJson } from '../../terraform/offline-workspace';
import { runCommand } from '../../terraform/runner';
import { type CognitoMock, mockCognitoRotation } from '../helpers/fakes/cognito-rotation-mock';
import { createSigningKey, FakeCognito, READ, WRITE } from '../helpers/fakes/cognito';
import { describeWithEmulator, sdkConfig } from '../helpers/emulator';
import { type FreshClone, freshClone } from '../helpers/fresh-clone';

const STACK = 'm2m-auth-dev';

describeWithEmulator('a secret rotation with Secrets Manager, and the deploys after it', (context) => {
  let clone: FreshClone;
  let outputs: StackOutputs;
  let fake: FakeCognito;
  let cognito: CognitoMock;
  let secretsManager: SecretsManagerClient;
  let arn: string;
  const redactor = new SecretRedactor();
  const stackDir = () => clone.stackDir(STACK);
  const terraform = (args: string[], cwd = stackDir()) =>
    runCommand(context().tf.terraform, args, { cwd, env: context().env });

  beforeAll(async () => {
    clone = freshClone({ storeCredentialsInSecretsManager: true });
    secretsManager = new SecretsManagerClient(sdkConfig(context()));
  });
  afterAll(async () => {
    cognito?.restore();
    await fake?.close();
    secretsManager?.destroy();
    clone?.remove();
  });

  /** The rotation command's context as cli.ts builds it, stdout and stderr collected. */
  async function run<Options extends RotateStatusOptions>(
    command: (context: CommandContext<Options>, deps: RotationDependencies) => Promise<void>,
    options: NoInfer<Options>,
  ) {
    let stdout = '';
    let stderr = '';
    const deps: RotationDependencies = {
      readOutputs: async () => outputs,
      cognito: async (region) => {
        const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
        return new CognitoIdentityProviderClient({ region });
      },
      // The stack's region and the emulator's endpoint.
      secretsManager: async (region) => new SecretsManagerClient(sdkConfig(context(), region)),
    };
    const output = {
      stdout: (text: string) => (stdout += text),
      stderr: (text: string) => (stderr += text),
      stdoutIsTerminal: false,
      // Rotation reads nothing from stdin.
      stdin: Readable.from([]),
    };
    await command(createCommandContext(options, new Set(), redactor, output), deps);
    return { stdout, stderr };
  }
  const options = { stack: STACK, projectDir: '.', timeout: 10 };

  /** The credentials document Secrets Manager holds now. */
  async function current() {
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(SecretString!);
  }

  async function getsToken(secret: string): Promise<boolean> {
    const tokens = new ClientCredentialsTokenClient({
      tokenEndpoint: fake.tokenEndpoint(),
      clientId: outputs.clientId,
      clientSecret: secret,
    });
    return tokens.getToken().then(
      () => true,
      () => false,
    );
  }

  test('a deploy creates the stack with its credentials secret', async () => {
    // Terraform alone: the cdktf CLI's own deploy is proven in deploy-destroy.test.ts.
    clone.synthesize();
    const init = await terraform(['init', '-input=false', '-no-color']);
    expect(init.code).toBe(0);
    const apply = await terraform(['apply', '-auto-approve', '-input=false', '-no-color']);
    expect({ code: apply.code, stderr: apply.stderr }).toEqual({ code: 0, stderr: '' });
    expect(apply.stdout).toContain('Apply complete! Resources: 6 added, 0 changed, 0 destroyed.');
    outputs = await readStackOutputs(STACK, { projectDir: clone.dir });
    arn = outputs.credentialsSecretArns['m2m-client']!;
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d+:secret:m2m-auth\/dev\/m2m-client-/);
    fake = await FakeCognito.start({
      key: createSigningKey(),
      clients: {
        [outputs.clientId]: { secret: outputs.clientSecret!, scopes: outputs.clientScopes['m2m-client'] },
      },
    });
    cognito = mockCognitoRotation(fake, { userPoolId: outputs.userPoolId });
    expect(await current()).toEqual({
      client_id: outputs.clientId,
      client_secret: outputs.clientSecret,
      token_endpoint: outputs.tokenEndpoint,
      scopes: [READ, WRITE],
    });
  });

  test('start: both secrets get tokens, and Secrets Manager holds the new one with its ID', async () => {
    const { stderr } = await run<RotateStartOptions>(runRotateStartCommand, {
      ...options,
      tokenEndpoint: fake.tokenEndpoint(),
      wait: 0,
    });

    const [first, added] = fake.listClientSecrets(outputs.clientId);
    const stored = await current();
    expect(stored).toEqual({
      client_id: outputs.clientId,
      client_secret: expect.not.stringMatching(`^${outputs.clientSecret}$`),
      token_endpoint: fake.tokenEndpoint(),
      scopes: [READ, WRITE],
      client_secret_id: added.id,
    });
    expect(first.id).not.toBe(added.id);
    expect([await getsToken(outputs.clientSecret!), await getsToken(stored.client_secret)]).toEqual([
      true,
      true,
    ]);
    expect(stderr).toContain(`Stored it in Secrets Manager secret ${arn}`);
    expect(stderr).not.toContain(stored.client_secret);
  });

  test('a plan after start, refreshing from Cognito, changes nothing: a deploy would not revert the secret', async () => {
    const planned = await terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
    expect({ code: planned.code, stderr: planned.stderr }).toEqual({ code: 0, stderr: '' });
    expect(planned.stdout).toContain('No changes. Your infrastructure matches the configuration.');
  });

  test('finish: only the new secret gets tokens; a service reading Secrets Manager carries on', async () => {
    const service = new ClientCredentialsTokenClient({
      tokenEndpoint: fake.tokenEndpoint(),
      clientId: outputs.clientId,
      // What the service read at start-up, before the rotation.
      clientSecret: outputs.clientSecret!,
      reloadClientSecret: secretsManagerSecretLoader({
        secretId: arn,
        clientId: outputs.clientId,
        secretsManager,
      }),
    });
    await run<RotateFinishOptions>(runRotateFinishCommand, {
      ...options,
      tokenEndpoint: fake.tokenEndpoint(),
      yes: true,
    });

    const stored = await current();
    expect(fake.listClientSecrets(outputs.clientId).map((s) => s.id)).toEqual([stored.client_secret_id]);
    expect([await getsToken(outputs.clientSecret!), await getsToken(stored.client_secret)]).toEqual([
      false,
      true,
    ]);
    expect(await service.getToken()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(fake.tokenRequests.slice(-2).map((r) => r.clientSecret)).toEqual([
      outputs.clientSecret,
      stored.client_secret,
    ]);

    const { stdout } = await run(runRotateStatusCommand, { ...options, json: true });
    expect(JSON.parse(stdout)).toMatchObject({
      secrets: [{ id: stored.client_secret_id, in_secrets_manager: true }],
      secrets_manager: { secret_arn: arn, client_secret_id: stored.client_secret_id },
    });
  });

  /** The state as a refresh records it once Cognito reports `secret` for the client (null: none). */
  async function refreshRecords(secret: string | null) {
    const pulled = await terraform(['state', 'pull']);
    const state = JSON.parse(pulled.stdout);
    const client = state.resources.find((r: { type: string }) => r.type === 'aws_cognito_user_pool_client');
    client.instances[0].attributes.client_secret = secret;
    state.serial += 1;
    const file = path.join(clone.dir, 'refreshed.tfstate');
    fs.writeFileSync(file, JSON.stringify(state));
    expect((await terraform(['state', 'push', file])).code).toBe(0);
  }

  /** What a plan without refresh would do, in `dir`. */
  async function plan(dir = stackDir()): Promise<PlanJson> {
    const planned = await terraform(
      ['plan', '-refresh=false', '-input=false', '-no-color', '-out=rotation.tfplan'],
      dir,
    );
    expect(planned.stderr).toBe('');
    const shown = await terraform(['show', '-json', 'rotation.tfplan'], dir);
    return JSON.parse(shown.stdout) as PlanJson;
  }

  const changed = (planned: PlanJson) =>
    planned.resource_changes
      .filter((c) => !c.change.actions.every((action) => action === 'no-op'))
      .map((c) => [c.type, c.change.actions]);

  // Once the first secret is deleted Cognito reports none: the case that would write a missing secret
  // into Secrets Manager (a report of the new secret differs from the state only in value).
  test('after finish, with no secret reported for the client, a deploy leaves every resource alone', async () => {
    await refreshRecords(null);
    const planned = await plan();

    expect(changed(planned)).toEqual([]);
    // Only the outputs follow what Cognito reports.
    expect(planned.output_changes.client_secret.actions).not.toEqual(['no-op']);
    expect(planned.output_changes.client_secrets.actions).toEqual(['update']);
  });

  test('a version Secrets Manager deleted is not written anew without a secret: the plan stops, saying what to do', async () => {
    await refreshRecords(null);
    // Secrets Manager may delete a version without staging labels: the refresh then forgets it.
    const address = (await terraform(['state', 'list'])).stdout
      .split('\n')
      .find((line) => line.startsWith('aws_secretsmanager_secret_version.'))!;
    const backup = path.join(clone.dir, 'before-rm.tfstate');
    fs.writeFileSync(backup, (await terraform(['state', 'pull'])).stdout);
    expect((await terraform(['state', 'rm', address])).code).toBe(0);
    try {
      const planned = await terraform(['plan', '-refresh=false', '-input=false', '-no-color']);

      expect(planned.code).toBe(1);
      expect(planned.stderr.replace(/[│\s]+/g, ' ')).toContain(
        "This would write a credentials document without client_secret into Secrets Manager: the app client's secret was rotated (m2m rotate-secret) and Terraform's version of the secret is gone. Import the current version instead",
      );
    } finally {
      const restored = JSON.parse(fs.readFileSync(backup, 'utf8'));
      restored.serial += 10;
      fs.writeFileSync(backup, JSON.stringify(restored));
      await terraform(['state', 'push', backup]);
    }
  });

  test('without the lifecycle, the same plan would write the missing secret into Secrets Manager', async () => {
    await refreshRecords(null);
    const bare = path.join(path.dirname(stackDir()), 'without-lifecycle'); // at the same depth, for the state's relative path
    fs.cpSync(stackDir(), bare, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(bare, 'cdk.tf.json'), 'utf8'));
    for (const version of Object.values(config.resource.aws_secretsmanager_secret_version) as Record<
      string,
      unknown
    >[]) {
      delete version.lifecycle;
    }
    fs.writeFileSync(path.join(bare, 'cdk.tf.json'), JSON.stringify(config));
    const planned = await plan(bare);

    expect(changed(planned)).toEqual([['aws_secretsmanager_secret_version', ['delete', 'create']]]);
    const version = planned.resource_changes.find((c) => c.type === 'aws_secretsmanager_secret_version')!;
    expect(JSON.parse((version.change.after as { secret_string: string }).secret_string)).toMatchObject({
      client_secret: null,
    });
  });
});
