/**
 * `m2m doctor` as a real process: a fake STS (through AWS_ENDPOINT_URL_STS, which the SDK honours),
 * dummy credentials, a fake or no terraform. Offline it must finish, bounded by its time limits.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FAKE_CALLER, startFakeSts } from '../helpers/fakes/sts';
import { createFakeProject, type FakeProject } from '../helpers/fakes/terraform';
import { ALL_HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';
import {
  BOUNDED_READ_EVIDENCE_BYTES,
  closedPort,
  type LocalServer,
  startLocalServer,
} from '../helpers/fakes/local-server';
import { TEST_TIMEOUT_MS, runCli } from '../helpers/run-cli';

jest.setTimeout(TEST_TIMEOUT_MS);

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

interface Setup {
  sts: Awaited<ReturnType<typeof startFakeSts>>;
  /** Accepts connections and never answers, like an unreachable instance metadata service. */
  blackHole: LocalServer;
  project: FakeProject;
}

// Started once, lazily: concurrent tests may start before a beforeAll would have finished.
let started: Promise<Setup> | undefined;
const setup = () =>
  (started ??= (async () => ({
    sts: await startFakeSts(),
    blackHole: await startLocalServer(() => undefined),
    project: createFakeProject(),
  }))());

afterAll(async () => {
  if (!started) return;
  const { sts, blackHole, project } = await started;
  await sts.close();
  await blackHole.close();
  project.remove();
});

const credentials = { AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY };

test.concurrent('all checks pass: one ✓ line each, exit 0', async () => {
  const { project } = await setup();
  // An STS of its own: the request it checks is the only one.
  const sts = await startFakeSts();
  try {
    // A time limit no busy machine reaches: this run is about the output, not about time-outs.
    const result = await runCli(['doctor', '--timeout', '60'], {
      env: {
        ...credentials,
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_STS: sts.url,
        // A Terraform CLI configuration of the user's: the doctor installs the provider as it says.
        TF_CLI_CONFIG_FILE: project.cliConfig,
      },
      path: `${project.binDir}:/usr/bin:/bin`,
    });

    expect(result.stdout.split('\n')).toEqual([
      `✓ Node.js ${process.versions.node}`,
      '✓ Terraform 1.11.4',
      '✓ AWS provider hashicorp/aws 5.100.0 installs from a provider mirror, checked against the lock file',
      '✓ AWS region eu-west-1 (AWS_REGION)',
      '✓ AWS credentials found (environment variables)',
      `✓ AWS credentials valid: account ${FAKE_CALLER.account} (${FAKE_CALLER.arn})`,
      '',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // A real, signed GetCallerIdentity call with the credentials found, which are never printed.
    expect(sts.requests[0].action).toBe('GetCallerIdentity');
    expect(sts.requests[0].authorization).toMatch(
      new RegExp(`Credential=${ACCESS_KEY_ID}/\\d{8}/eu-west-1/sts/`),
    );
    expect(result.stdout).not.toContain(SECRET_ACCESS_KEY);
  } finally {
    await sts.close();
  }
});

test.concurrent('one required check failing: named, counted in the singular, exit 1', async () => {
  const { sts, project } = await setup();
  const result = await runCli(['doctor', '--timeout', '60'], {
    env: { ...credentials, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: sts.url },
    // No terraform on this PATH.
    path: project.dir,
  });

  expect(result.stdout.split('\n').filter((line) => line.startsWith('✗'))).toEqual([
    '✗ Terraform not found on PATH: install it (https://developer.hashicorp.com/terraform/install)',
  ]);
  expect(result.stderr).toBe('error: 1 required check failed\n');
  expect(result.code).toBe(1);
});

/**
 * `m2m doctor` in this process with credentials in the environment, the shared fake STS (unless `env`
 * names another), and the fake terraform first on PATH.
 */
async function doctor(env: Record<string, string>, timeout = '60') {
  const { project, sts } = await setup();
  const result = await runCli(['doctor', '--timeout', timeout], {
    env: { ...credentials, TF_CLI_CONFIG_FILE: project.cliConfig, AWS_ENDPOINT_URL_STS: sts.url, ...env },
    path: `${project.binDir}:/usr/bin:/bin`,
  });
  return { ...result, lines: result.stdout.trimEnd().split('\n') };
}

test.concurrent.each([
  ['1.11.4', '✓ Terraform 1.11.4'],
  ['1.10.0', '✓ Terraform 1.10.0'],
  ['2.0.0', '✓ Terraform 2.0.0'],
  ['1.9.8', '! Terraform 1.9.8: remote state (S3 native locking) needs 1.10 or newer; local state works'],
  ['0.15.5', '! Terraform 0.15.5: remote state (S3 native locking) needs 1.10 or newer; local state works'],
])('Terraform %s: %s', async (version, line) => {
  const result = await doctor({
    FAKE_TERRAFORM_VERSION: version,
    AWS_REGION: 'eu-west-1',
  });

  expect(result.lines[1]).toBe(line);
  // Old Terraform is worth knowing, not a failure.
  expect(result.code).toBe(0);
});

test.concurrent('a Terraform that fails to report its version: its error, and what to check', async () => {
  const result = await doctor({
    FAKE_TERRAFORM_BROKEN: '1',
    AWS_REGION: 'eu-west-1',
  });

  expect(result.lines[1]).toMatch(/^✗ .*cannot execute binary file.*: check the Terraform installation$/);
  expect(result.code).toBe(1);
});

test.concurrent(
  'the region from AWS_DEFAULT_REGION, which the SDK ignores, is named as its source',
  async () => {
    const result = await doctor({ AWS_DEFAULT_REGION: 'eu-west-2' });

    expect(result.lines[3]).toBe('✓ AWS region eu-west-2 (AWS_DEFAULT_REGION)');
    expect(result.code).toBe(0);
  },
);

test.concurrent('AWS_REGION wins over AWS_DEFAULT_REGION, as in the SDK', async () => {
  const result = await doctor({
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-2',
  });

  expect(result.lines[3]).toBe('✓ AWS region eu-west-1 (AWS_REGION)');
  expect(result.code).toBe(0);
});

test.concurrent('no region anywhere: worth knowing, not failing; STS is asked in us-east-1', async () => {
  const sts = await startFakeSts();
  try {
    const result = await doctor({ AWS_ENDPOINT_URL_STS: sts.url });

    expect(result.lines.slice(3)).toEqual([
      '! AWS region not set: export AWS_REGION=<region> or set region in your AWS profile (the stack itself deploys to the region in cdktf.json; this check uses us-east-1)',
      '✓ AWS credentials found (environment variables)',
      `✓ AWS credentials valid: account ${FAKE_CALLER.account} (${FAKE_CALLER.arn})`,
    ]);
    expect(result.code).toBe(0);
    expect(sts.requests).toHaveLength(1);
    expect(sts.requests[0].authorization).toMatch(/Credential=\w+\/\d{8}\/us-east-1\/sts\//);
  } finally {
    await sts.close();
  }
});

test.concurrent.each([
  [
    'AWS_PROFILE=ci',
    'ci',
    '[profile ci]\nregion = ap-south-1\n',
    '✓ AWS region ap-south-1 (profile ci)',
    'profile ci',
  ],
  [
    'no AWS_PROFILE',
    undefined,
    '[default]\nregion = eu-north-1\n',
    '✓ AWS region eu-north-1 (profile default)',
    'environment variables',
  ],
])("%s: the profile's region is named as its source", async (_, profile, config, region, source) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-doctor-profile-'));
  try {
    const configFile = path.join(dir, 'config');
    fs.writeFileSync(configFile, config);
    const credentialsFile = path.join(dir, 'credentials');
    fs.writeFileSync(
      credentialsFile,
      `[ci]\naws_access_key_id = ${ACCESS_KEY_ID}\naws_secret_access_key = ${SECRET_ACCESS_KEY}\n`,
    );
    const result = await doctor({
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      ...(profile === undefined ? {} : { AWS_PROFILE: profile }),
    });

    expect(result.lines[3]).toBe(region);
    // With AWS_PROFILE set, the SDK skips the keys in the environment (doctor() sets them) for the profile's.
    expect(result.lines[4]).toBe(`✓ AWS credentials found (${source})`);
    expect(result.lines[5]).toMatch(/^✓ AWS credentials valid: /);
    expect(result.code).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.concurrent.each([
  [
    403,
    'InvalidClientTokenId',
    '✗ AWS rejected the credentials (InvalidClientTokenId: The security token included in the request is invalid.): refresh them (aws sso login) or replace the keys',
  ],
  [
    400,
    'ExpiredToken',
    '✗ AWS rejected the credentials (ExpiredToken: The security token included in the request is invalid.): refresh them (aws sso login) or replace the keys',
  ],
  [
    500,
    'InternalFailure',
    '✗ STS GetCallerIdentity failed (HTTP 500, InternalFailure: The security token included in the request is invalid.): retry later',
  ],
])('STS refusing with HTTP %i %s: %s', async (status, code, line) => {
  const sts = await startFakeSts({
    error: { status, code, message: 'The security token included in the request is invalid.' },
  });
  try {
    const result = await doctor({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_MAX_ATTEMPTS: '1',
    });

    expect(result.lines[5]).toBe(line);
    expect(result.stderr).toBe('error: 1 required check failed\n');
    expect(result.code).toBe(1);
  } finally {
    await sts.close();
  }
});

test.concurrent('nothing listening at the STS endpoint: unreachable, naming it', async () => {
  const stsUrl = `http://127.0.0.1:${await closedPort()}`;
  const result = await doctor({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: stsUrl });

  // In this process the error's code may be lost (see the test below): only the wording is checked.
  expect(result.lines[5]).toMatch(
    new RegExp(
      `^✗ AWS unreachable: cannot connect to STS \\(${stsUrl}, [^)]+\\): check your network or proxy$`,
    ),
  );
  expect(result.code).toBe(1);
});

test.concurrent('an STS that never answers: unreachable, after the time limit', async () => {
  const sts = await startFakeSts({ silent: true });
  try {
    const result = await doctor({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: sts.url }, '0.5');

    expect(result.lines[5]).toBe(
      `✗ AWS unreachable: no reply from STS (${sts.url}) within 0.5 s: check your network or proxy`,
    );
    expect(result.code).toBe(1);
  } finally {
    await sts.close();
  }
});

test.concurrent('offline, without terraform: says AWS is unreachable and exits 1', async () => {
  const { project } = await setup();
  const stsUrl = `http://127.0.0.1:${await closedPort()}`;
  // A real process: inside jest, the SDK's connection error loses its code (ECONNREFUSED).
  const result = await runCli(['doctor', '--timeout', '60'], {
    env: { ...credentials, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: stsUrl },
    path: project.dir,
    realProcess: true,
  });

  const lines = result.stdout.trimEnd().split('\n');
  expect(lines[1]).toBe(
    '✗ Terraform not found on PATH: install it (https://developer.hashicorp.com/terraform/install)',
  );
  expect(lines[4]).toBe(
    `✗ AWS unreachable: cannot connect to STS (${stsUrl}, ECONNREFUSED): check your network or proxy`,
  );
  expect(result.stderr).toBe('error: 2 required checks failed\n');
  expect(result.code).toBe(1);
});

test.concurrent(
  'no credentials and a metadata service that never answers: bounded by --timeout',
  async () => {
    const { blackHole, project } = await setup();
    const result = await runCli(['doctor', '--timeout', '1'], {
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: blackHole.url, TF_CLI_CONFIG_FILE: project.cliConfig },
      path: `${project.binDir}:/usr/bin:/bin`,
      // A real process: the SDK's credential chain loads its providers lazily, which jest refuses.
      realProcess: true,
    });

    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[3]).toMatch(/^! AWS region not set: export AWS_REGION=<region>/);
    expect(lines[4]).toMatch(/^✗ AWS credentials not found.*: run aws configure or aws sso login/);
    expect(lines).toHaveLength(5);
    // The metadata service never answers: finishing at all shows the time limit held.
    expect(result.code).toBe(1);
  },
);

test.concurrent('an STS reply with escape sequences and a huge ARN is shown bounded and clean', async () => {
  const { project } = await setup();
  const sts = await startFakeSts({
    caller: {
      account: `1234${ALL_HOSTILE}`,
      arn: `arn:aws:iam::1:user/${ALL_HOSTILE}${'x'.repeat(100_000)}`,
    },
  });
  try {
    const result = await runCli(['doctor', '--timeout', '60'], {
      env: { ...credentials, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: sts.url },
      path: `${project.binDir}:/usr/bin:/bin`,
    });

    expect(sts.requests).toHaveLength(1);
    expect(result.stdout.replace(/\n/g, '')).not.toMatch(TERMINAL_ACTIVE);
    // Found by what it says, not where: the checks before it may grow.
    const lines = result.stdout.trimEnd().split('\n');
    const valid = lines.filter((line) => line.startsWith('✓ AWS credentials valid'));
    expect(valid).toHaveLength(1);
    expect(valid[0]).toMatch(
      /^✓ AWS credentials valid: account 1234.{1,20} \(arn:aws:iam::1:user\/.+\.\.\.\)$/,
    );
    expect(valid[0].length).toBeLessThan(2200);
  } finally {
    await sts.close();
  }
});

test.concurrent('an STS reply that never ends is read to 1 MiB and no further', async () => {
  const { project } = await setup();
  const sts = await startFakeSts({ endless: true });
  try {
    const result = await runCli(['doctor', '--timeout', '600'], {
      env: { ...credentials, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: sts.url },
      path: `${project.binDir}:/usr/bin:/bin`,
    });

    expect(result.stdout.trimEnd().split('\n')).toContain(
      `✗ STS (${sts.url}) replied with more than 1 MiB (1048576 bytes), and reading stopped there: check AWS_ENDPOINT_URL_STS and your proxy`,
    );
    expect(result.code).toBe(1);
    expect(await sts.sentBytes).toBeLessThan(BOUNDED_READ_EVIDENCE_BYTES);
  } finally {
    await sts.close();
  }
});
