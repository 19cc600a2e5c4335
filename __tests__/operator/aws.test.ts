/**
 * What every AWS SDK client of the tooling shares (operator/aws.ts), with the real SDK against local
 * servers: a time limit, one attempt per call, and the region left to the SDK's chain when unknown.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig, describeAwsFailure, regionOfArn, regionOfUserPool } from '../../operator/aws';
import { TooLargeError } from '../../operator/bounded-read';
import { startLocalServer, type LocalServer } from '../helpers/fakes/local-server';
import { TERMINAL_ACTIVE } from '../helpers/hostile-text';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A local server that counts requests and answers each with `answer`, or never when it does nothing. */
async function serving(answer: (response: import('node:http').ServerResponse) => void) {
  const seen = { requests: 0 };
  server = await startLocalServer((request, response) => {
    seen.requests++;
    request.resume();
    answer(response);
  });
  return { seen, endpoint: server.url };
}

test('a call to a server that never answers fails with a TimeoutError after the time limit, once', async () => {
  const { seen, endpoint } = await serving(() => undefined);
  const sts = new STSClient({ ...awsClientConfig('eu-west-1', 300), endpoint, credentials });

  const error = await sts.send(new GetCallerIdentityCommand({})).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.name).toBe('TimeoutError');
  expect(seen.requests).toBe(1);
});

test('a call that fails with a 503 is not retried: one attempt, nothing done twice', async () => {
  const { seen, endpoint } = await serving((response) => {
    response.writeHead(503, { 'content-type': 'text/xml' });
    response.end(
      '<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>',
    );
  });
  const sts = new STSClient({ ...awsClientConfig('eu-west-1', 5000), endpoint, credentials });

  await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
    $metadata: { httpStatusCode: 503 },
  });
  expect(seen.requests).toBe(1);
});

test('the region is the one given, or the SDK chain (AWS_REGION) when none is', async () => {
  const saved = process.env.AWS_REGION;
  process.env.AWS_REGION = 'ap-southeast-2';
  try {
    expect(await new STSClient(awsClientConfig('eu-west-1', 1000)).config.region()).toBe('eu-west-1');
    expect(await new STSClient(awsClientConfig(undefined, 1000)).config.region()).toBe('ap-southeast-2');
  } finally {
    if (saved === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = saved;
  }
});

test.each([
  ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:m2m-auth/dev-AbCdEf', 'eu-west-1'],
  ['arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x', 'us-gov-west-1'],
  ['arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_Ab', 'cn-north-1'],
  ['arn:aws:secretsmanager:ap-southeast-12:123456789012:secret:x', 'ap-southeast-12'],
  ['arn:aws:iam::123456789012:role/ci', undefined],
  ['xarn:aws:secretsmanager:eu-west-1:123456789012:secret:x', undefined],
  ['arn:aws:secretsmanager:EU-WEST-1:123456789012:secret:x', undefined],
  ['m2m-auth/dev/reporting', undefined],
])('the region of ARN %p is %p', (arn, region) => {
  expect(regionOfArn(arn)).toBe(region);
});

const issuer = (region: string, pool: string) => `https://cognito-idp.${region}.amazonaws.com/${pool}`;
test.each([
  ['eu-west-1_AbC123', issuer('eu-west-1', 'eu-west-1_AbC123'), 'eu-west-1'],
  ['us-gov-west-1_AbC123', issuer('us-gov-west-1', 'us-gov-west-1_AbC123'), 'us-gov-west-1'],
  ['cn-north-1_AbC123', 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123', 'cn-north-1'],
  ['ap-east-12_AbC123', issuer('ap-east-12', 'ap-east-12_AbC123'), 'ap-east-12'],
  ['eu-west-1_AbC123', issuer('us-east-1', 'eu-west-1_AbC123'), undefined],
  ['eu-west-1', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1', undefined],
  ['eu-west-1_AbC123', 'http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123', undefined],
  ['eu-west-1_AbC123', 'https://cognito-idp.eu-west-1.amazonaws.com.evil.example/x', undefined],
  ['eu-west-1_AbC123', `x${issuer('eu-west-1', 'eu-west-1_AbC123')}`, undefined],
  ['eu-west-1_AbC-123', issuer('eu-west-1', 'eu-west-1_AbC-123'), undefined],
  ['xeu-west-1_AbC123', issuer('eu-west-1', 'xeu-west-1_AbC123'), undefined],
  ['eu-west-1_', issuer('eu-west-1', 'eu-west-1_'), undefined],
])('the region of pool %p with issuer %p is %p', (pool, iss, region) => {
  expect(regionOfUserPool(pool, iss)).toBe(region);
});

describe('describeAwsFailure: which problem, and the fix', () => {
  const aws = (name: string, status: number | undefined, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`${name} says no`), { name, $metadata: { httpStatusCode: status }, ...extra });

  test.each<[string, unknown, string, RegExp]>([
    [
      'a reply past the read limit',
      new TooLargeError(1024),
      'unavailable',
      /^Cognito X replied with more than 1 MiB/,
    ],
    [
      'the same, as the SDK rewraps it',
      aws('TooLargeError', undefined),
      'unavailable',
      /replied with more than 1 MiB \(1048576 bytes\), and reading stopped there: check AWS_ENDPOINT_URL and your proxy$/,
    ],
    [
      'no credentials',
      aws('CredentialsProviderError', undefined),
      'no-credentials',
      /^Cognito X needs AWS credentials, and none were found \(CredentialsProviderError says no\): run aws configure/,
    ],
    [
      'no credentials, in words only',
      new Error('Could not load credentials from any providers'),
      'no-credentials',
      /needs AWS credentials/,
    ],
    ['a timeout', aws('TimeoutError', undefined), 'unavailable', /^Cognito X got no reply within 2.5 s: /],
    ['an abort', aws('AbortError', undefined), 'unavailable', /got no reply within 2.5 s/],
    ['ETIMEDOUT', aws('Error', undefined, { code: 'ETIMEDOUT' }), 'unavailable', /got no reply within 2.5 s/],
    [
      'no reply at all',
      aws('Error', undefined, { code: 'ECONNREFUSED' }),
      'unavailable',
      /^cannot reach AWS for Cognito X \(ECONNREFUSED: Error says no\): check your network, proxy and AWS_ENDPOINT_URL$/,
    ],
    [
      'no reply, and no code',
      aws('SomeError', undefined),
      'unavailable',
      /^cannot reach AWS for Cognito X \(SomeError: SomeError says no\)/,
    ],
    [
      'something thrown that is no error at all',
      undefined,
      'unavailable',
      /^cannot reach AWS for Cognito X \(Error: undefined\)/,
    ],
    [
      'AccessDeniedException',
      aws('AccessDeniedException', 400),
      'denied',
      /^AWS refused Cognito X \(AccessDeniedException: /,
    ],
    ['ExpiredToken', aws('ExpiredToken', 400), 'denied', /^AWS refused/],
    ['a 403 of any name', aws('Forbidden', 403), 'denied', /use credentials allowed to do it/],
    ['a 401 of any name', aws('Whatever', 401), 'denied', /^AWS refused/],
    [
      'a near miss of a denial name',
      aws('AccessDeniedExceptionally', 400),
      'failed',
      /^Cognito X failed \(HTTP 400/,
    ],
    [
      'ResourceNotFoundException',
      aws('ResourceNotFoundException', 400),
      'not-found',
      /^AWS found nothing for Cognito X .*: check the stack is deployed in this account and region$/,
    ],
    [
      'a 500',
      aws('InternalError', 500),
      'unavailable',
      /^Cognito X failed \(HTTP 500, InternalError: .*\): retry later$/,
    ],
    ['a 503', aws('ServiceUnavailable', 503), 'unavailable', /retry later$/],
    ['throttling', aws('ThrottlingException', 400), 'unavailable', /retry later$/],
    ['too many requests', aws('TooManyRequestsException', 400), 'unavailable', /retry later$/],
    ['a 499', aws('ClientClosed', 499), 'failed', /see the message for the cause$/],
    [
      'anything else',
      aws('InvalidParameterException', 400),
      'failed',
      /^Cognito X failed \(HTTP 400, InvalidParameterException: /,
    ],
  ])('%s', (_what, error, problem, message) => {
    const described = describeAwsFailure(error, 'Cognito X', 2500);
    expect(described.problem).toBe(problem);
    expect(described.message).toMatch(message);
  });

  test("the SDK's words are one line, bounded, with escape sequences shown as text", () => {
    const error = aws(`Evil\u001b[2J${'N'.repeat(200)}`, 400, {
      message: `first\u001b]0;title\u0007 line\nsecond line`,
    });
    const described = describeAwsFailure(error, 'Cognito X', 1000);
    expect(described.message).not.toMatch(TERMINAL_ACTIVE);
    expect(described.message).not.toContain('second line');
    // 64 characters and "..." after the cut.
    expect(described.awsError).toMatch(/^Evil.*N{20}\.\.\.$/);
    expect(described.awsError!.length).toBe(67);
    expect(described.awsError).not.toMatch(TERMINAL_ACTIVE);
  });
});
