import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStackOutputs, readStackOutputs, selectStackClient, StackOutputsError } from '../../operator';
import { POOL_ID, READ, WRITE } from '../helpers/fakes/cognito';
import {
  createFakeProject,
  type FakeProject,
  stackOutputValues,
  terraformOutputDocument,
} from '../helpers/fakes/terraform';
import { TEST_TIMEOUT_MS } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

let project: FakeProject;

beforeAll(() => {
  project = createFakeProject({
    'm2m-auth-dev': stackOutputValues(),
    'm2m-auth-staging': null,
    'm2m-auth-empty': {},
  });
});
afterAll(() => project.remove());

const read = (stack: string, terraform = project.terraform) =>
  readStackOutputs(stack, { projectDir: project.dir, terraform });

async function problem(promise: Promise<unknown>): Promise<StackOutputsError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StackOutputsError);
  expect((error as Error).message).not.toMatch(/stack-secret|\n/);
  return error as StackOutputsError;
}

test("reads the outputs by running terraform output -json in the stack's folder, as cdktf's manifest.json names it", async () => {
  const outputs = await read('m2m-auth-dev');

  expect(outputs).toMatchObject({
    stackName: 'm2m-auth-dev',
    tokenEndpoint: 'https://m2m-rubicon.auth.us-east-1.amazoncognito.com/oauth2/token',
    userPoolId: POOL_ID,
    clientId: 'client-a',
    clientSecret: 'stack-secret-a',
    clientScopes: { reporting: [READ] },
  });
});

test('selects the first client by default, another by name, and names the clients when one is unknown', async () => {
  const outputs = await read('m2m-auth-dev');

  expect(selectStackClient(outputs)).toEqual({
    name: 'm2m-client',
    clientId: 'client-a',
    clientSecret: 'stack-secret-a',
    scopes: [READ, WRITE],
  });
  expect(selectStackClient(outputs, 'reporting')).toMatchObject({
    clientId: 'client-b',
    clientSecret: 'stack-secret-b',
  });
  expect(() => selectStackClient(outputs, 'billing')).toThrow(
    'stack m2m-auth-dev has no client named "billing" (clients: m2m-client, reporting): check the client name',
  );
});

test('a stack that is not synthesized: lists the stacks there are', async () => {
  const error = await problem(read('m2m-auth-prod'));

  expect(error.problem).toBe('not-synthesized');
  expect(error.message).toMatch(
    /stack m2m-auth-prod is not synthesized in .*cdktf.out \(found: m2m-auth-dev, m2m-auth-empty, m2m-auth-staging\): check the stack name/,
  );
});

test('finds the stacks in the output folder cdktf.json names, and only there', async () => {
  const elsewhere = createFakeProject({ 'm2m-auth-dev': stackOutputValues() }, { output: 'build/synth' });
  try {
    const outputs = await readStackOutputs('m2m-auth-dev', {
      projectDir: elsewhere.dir,
      terraform: elsewhere.terraform,
    });
    expect(outputs.userPoolId).toBe(POOL_ID);

    fs.renameSync(path.join(elsewhere.dir, 'build'), path.join(elsewhere.dir, 'cdktf.out'));
    const moved = await problem(
      readStackOutputs('m2m-auth-dev', { projectDir: elsewhere.dir, terraform: elsewhere.terraform }),
    );
    expect(moved.message).toMatch(
      /^stack m2m-auth-dev is not synthesized in .*build\/synth: run npx cdktf deploy/,
    );
  } finally {
    elsewhere.remove();
  }
});

test('a project without cdktf.out: deploy first', async () => {
  const empty = fs.mkdtempSync(path.join(project.dir, 'empty-'));
  const error = await problem(
    readStackOutputs('m2m-auth-dev', { projectDir: empty, terraform: project.terraform }),
  );

  expect(error.problem).toBe('not-synthesized');
  expect(error.message).toMatch(/run npx cdktf deploy m2m-auth-dev first, from the project root$/);
});

test('terraform failing (not initialized) is reported with its error line', async () => {
  const error = await problem(read('m2m-auth-staging'));

  expect(error.problem).toBe('terraform-failed');
  expect(error.message).toMatch(
    /terraform output failed in .*m2m-auth-staging \(Backend initialization required, please run "terraform init"\): run npx cdktf deploy m2m-auth-staging first/,
  );
});

test('no outputs means not deployed', async () => {
  const error = await problem(read('m2m-auth-empty'));

  expect(error.problem).toBe('not-deployed');
  expect(error.message).toBe(
    'stack m2m-auth-empty has no outputs, so it is not deployed yet: run npx cdktf deploy m2m-auth-empty first',
  );
});

test('terraform missing', async () => {
  const error = await problem(read('m2m-auth-dev', path.join(project.dir, 'no-such-terraform')));

  expect(error.problem).toBe('terraform-missing');
  expect(error.message).toMatch(
    /not found on PATH, and it is needed to read stack outputs: install Terraform/,
  );
});

test('a stack name cannot leave cdktf.out/stacks', async () => {
  const error = await problem(read('../m2m-auth-dev'));
  expect(error.problem).toBe('invalid-name');
  expect(error.message).toBe(
    'stack name "../m2m-auth-dev" is invalid: use the name cdktf shows, e.g. m2m-auth-dev',
  );
});

// A stack name is a folder name under cdktf.out/stacks: word characters, "." and "-", not dots alone.
test.each([
  ['.', 'invalid-name'],
  ['..', 'invalid-name'],
  ['...', 'invalid-name'],
  ['', 'invalid-name'],
  ['dev/..', 'invalid-name'],
  ['m2m auth', 'invalid-name'],
  ['.dev', 'not-synthesized'],
  ['dev.', 'not-synthesized'],
  ['m2m-auth..dev', 'not-synthesized'],
  ['m2m_auth.dev-2', 'not-synthesized'],
])('stack name %p: %s', async (name, expected) => {
  expect((await problem(read(name))).problem).toBe(expected);
});

test('an output missing or of the wrong shape is named, its value (maybe a secret) is not', () => {
  const { client_secrets: _dropped, ...withoutSecrets } = stackOutputValues();
  expect(() => parseStackOutputs('s', terraformOutputDocument(withoutSecrets))).toThrow(
    'output client_secrets of stack s is missing: redeploy the stack with this project (npx cdktf deploy s)',
  );
  const wrongShape = terraformOutputDocument(stackOutputValues({ client_secret: ['stack-secret-a'] }));
  expect(() => parseStackOutputs('s', wrongShape)).toThrow(
    'output client_secret of stack s has an unexpected shape at client_secret: redeploy the stack with this project (npx cdktf deploy s)',
  );
  const nested = terraformOutputDocument(
    stackOutputValues({ client_scopes: { 'm2m-client': ['a'], reporting: [7] } }),
  );
  expect(() => parseStackOutputs('s', nested)).toThrow(
    /^output client_scopes of stack s has an unexpected shape at client_scopes\.reporting\.0: /,
  );
  expect(() => parseStackOutputs('s', wrongShape)).toThrow(
    expect.objectContaining({ message: expect.not.stringContaining('stack-secret-a') }),
  );
});

test.each([
  ['a list', []],
  ['text', 'user_pool_id = "x"'],
  ['outputs without values', { user_pool_id: { sensitive: false } }],
])('a document that is not terraform output -json (%s) is named as such', (_what, document) => {
  expect(() => parseStackOutputs('s', document)).toThrow(
    expect.objectContaining({
      problem: 'unexpected-outputs',
      message: 'outputs of stack s are not a terraform output -json document: check the Terraform version',
    }),
  );
});

test('the default client is the one client_id names, else the first; a client without scopes has none', () => {
  const values = stackOutputValues({
    client_id: 'client-b',
    client_scopes: { 'm2m-client': [READ] },
  });
  const outputs = parseStackOutputs('s', terraformOutputDocument(values));
  expect(selectStackClient(outputs)).toMatchObject({ name: 'reporting', clientId: 'client-b', scopes: [] });
  expect(selectStackClient(outputs, 'reporting').scopes).toEqual([]);
  expect(selectStackClient(outputs, 'm2m-client').scopes).toEqual([READ]);

  const unnamed = parseStackOutputs(
    's',
    terraformOutputDocument(stackOutputValues({ client_id: 'client-z' })),
  );
  expect(selectStackClient(unnamed)).toMatchObject({ name: 'm2m-client', clientId: 'client-z' });
  expect(selectStackClient({ ...unnamed, clientIds: {} })).toMatchObject({ name: '', scopes: [] });
});

test("after a rotation's finish a client may have no secret in the outputs: Terraform drops a null output and keeps null in a map", () => {
  const { client_secret: _dropped, ...values } = stackOutputValues({
    client_secrets: { 'm2m-client': null, reporting: 'stack-secret-b' },
  });
  const outputs = parseStackOutputs('s', terraformOutputDocument(values));

  expect(outputs.clientSecret).toBeUndefined();
  expect(outputs.clientSecrets).toEqual({ reporting: 'stack-secret-b' });
  expect(selectStackClient(outputs)).toMatchObject({ clientId: 'client-a', clientSecret: undefined });
  expect(selectStackClient(outputs, 'm2m-client').clientSecret).toBeUndefined();
  expect(selectStackClient(outputs, 'reporting').clientSecret).toBe('stack-secret-b');
});

test("each client's Secrets Manager secret ARN, where the stack stores credentials; none otherwise", () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:m2m-auth/dev/reporting-AbCdEf';
  const stored = parseStackOutputs(
    's',
    terraformOutputDocument(stackOutputValues({ client_credentials_secret_arns: { reporting: arn } })),
  );
  expect(selectStackClient(stored, 'reporting').credentialsSecretArn).toBe(arn);
  expect(selectStackClient(stored).credentialsSecretArn).toBeUndefined();

  const plain = parseStackOutputs('s', terraformOutputDocument(stackOutputValues()));
  expect(plain.credentialsSecretArns).toEqual({});
  expect(selectStackClient(plain, 'reporting').credentialsSecretArn).toBeUndefined();
  // Inherited names find nothing.
  expect(selectStackClient({ ...plain, clientIds: { constructor: 'c' } }, 'constructor')).toMatchObject({
    clientSecret: undefined,
    credentialsSecretArn: undefined,
  });
});

test('client names from the state are quoted bounded and sanitized', () => {
  const names = Array.from({ length: 500 }, (_, i) => `client-${i}\u001b[2J\u202e`);
  const outputs = parseStackOutputs(
    's',
    terraformOutputDocument(
      stackOutputValues({
        client_ids: Object.fromEntries(names.map((name) => [name, name])),
        client_secrets: Object.fromEntries(names.map((name) => [name, 'x'])),
      }),
    ),
  );
  expect(() => selectStackClient(outputs, 'billing')).toThrow(
    expect.objectContaining({
      message: expect.stringMatching(
        /^stack s has no client named "billing" \(clients: client-0\uFFFD, .{100,200}\.\.\.\): check the client name$/,
      ),
    }),
  );
});
