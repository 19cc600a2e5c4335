/**
 * What `m2m doctor` says about each way a check can fail, and the time limit every network step
 * has. cli-doctor.test.ts runs the whole command; some of these failures (the SDK's credential chain
 * timing out or finding nothing) happen only in a real process, where no mutant is seen, so each
 * diagnosis is checked here on the error it reads.
 */
import { TooLargeError } from '../../operator/bounded-read';
import {
  checkNode,
  describeCredentialsFailure,
  describeStsFailure,
  TimedOut,
  withTimeout,
} from '../../operator/commands/doctor';
import { ALL_HOSTILE, TERMINAL_ACTIVE } from '../helpers/hostile-text';

const FIX =
  'run aws configure or aws sso login, or export AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
const ENDPOINT = 'http://127.0.0.1:9/sts';

/** An error as the AWS SDK throws it: a name, maybe a network code, maybe an HTTP status. */
function sdkError(message: string, fields: { name?: string; code?: string; status?: number }) {
  const error = new Error(message) as Error & { code?: string; $metadata?: object };
  // An own name, even undefined: the SDK's errors carry theirs on the error itself.
  if ('name' in fields) Object.defineProperty(error, 'name', { value: fields.name });
  if (fields.code !== undefined) error.code = fields.code;
  if (fields.status !== undefined) error.$metadata = { httpStatusCode: fields.status };
  return error;
}

test.each([
  ['20.19.0', '✓', 'Node.js 20.19.0'],
  ['20.20.1', '✓', 'Node.js 20.20.1'],
  ['21.0.0', '✓', 'Node.js 21.0.0'],
  ['24.11.1', '✓', 'Node.js 24.11.1'],
  [
    '20.18.3',
    '✗',
    'Node.js 20.18.3 is older than 20.19: install Node.js 20.19 or newer (e.g. nvm install 20)',
  ],
  [
    '19.99.0',
    '✗',
    'Node.js 19.99.0 is older than 20.19: install Node.js 20.19 or newer (e.g. nvm install 20)',
  ],
])('Node.js %s: %s %s', (version, mark, text) => {
  expect(checkNode(version)).toEqual({ mark, text });
});

describe('credentials not found', () => {
  test('still looking when the time limit ran out: says so, and names the slowest source', () => {
    expect(describeCredentialsFailure(new TimedOut(), 2.5)).toBe(
      `AWS credentials not found within 2.5 s (the SDK was still trying, e.g. the EC2 instance metadata service): ${FIX}`,
    );
  });

  test.each([
    'Could not load credentials from any providers',
    'could not load credentials from any providers\nat the end of the chain',
  ])('no source had any (%j): not found, and how to set them', (message) => {
    expect(describeCredentialsFailure(sdkError(message, { name: 'CredentialsProviderError' }), 5)).toBe(
      `AWS credentials not found: ${FIX}`,
    );
  });

  test('a source that failed: its first line, then how to set them', () => {
    const error = sdkError('Profile ci could not be found\nin ~/.aws/config', {});
    expect(describeCredentialsFailure(error, 5)).toBe(
      `AWS credentials could not be loaded (Profile ci could not be found): ${FIX}`,
    );
  });

  test('a message with escape sequences is shown neutralised', () => {
    const text = describeCredentialsFailure(sdkError(`bad profile ${ALL_HOSTILE}`, {}), 5);
    expect(text).toMatch(/^AWS credentials could not be loaded \(bad profile /);
    expect(text).not.toMatch(TERMINAL_ACTIVE);
  });
});

describe('STS failures', () => {
  test.each<[string, Error]>([
    ['TooLargeError, as thrown', new TooLargeError(1024 * 1024)],
    [
      'TooLargeError by name, as the SDK rethrows it',
      sdkError('larger than 1 MiB', { name: 'TooLargeError' }),
    ],
  ])('a reply too large (%s): reading stopped, check the endpoint', (_, error) => {
    expect(describeStsFailure(error, ENDPOINT, 5)).toBe(
      `STS (${ENDPOINT}) replied with more than 1 MiB (1048576 bytes), and reading stopped there: check AWS_ENDPOINT_URL_STS and your proxy`,
    );
  });

  test.each<[string, Error]>([
    ['our own time limit', new TimedOut()],
    ["the SDK's TimeoutError", sdkError('socket timed out', { name: 'TimeoutError' })],
    ['an aborted request', sdkError('This operation was aborted', { name: 'AbortError', status: 200 })],
  ])('no reply (%s): unreachable within the time limit', (_, error) => {
    expect(describeStsFailure(error, ENDPOINT, 1.5)).toBe(
      `AWS unreachable: no reply from STS (${ENDPOINT}) within 1.5 s: check your network or proxy`,
    );
  });

  test.each([
    ['ECONNREFUSED', { code: 'ECONNREFUSED', name: 'Error' }],
    ['ENOTFOUND', { name: 'Error', code: 'ENOTFOUND' }],
    ['NetworkingError', { name: 'NetworkingError' }],
    ['network error', { name: undefined }],
  ])('no HTTP reply at all: cannot connect, naming %s', (named, fields) => {
    const error = sdkError('connect failed', fields);
    expect(describeStsFailure(error, ENDPOINT, 5)).toBe(
      `AWS unreachable: cannot connect to STS (${ENDPOINT}, ${named}): check your network or proxy`,
    );
  });

  test.each([
    [401, 'UnrecognizedClientException'],
    [403, 'InvalidClientTokenId'],
    [403, 'UnauthorizedOperation'],
    [400, 'ExpiredToken'],
    [400, 'SignatureDoesNotMatch'],
    [400, 'AccessDeniedException'],
  ])('HTTP %i %s: the credentials were refused, refresh or replace them', (status, name) => {
    const error = sdkError('The security token included in the request is invalid.\nmore', { name, status });
    expect(describeStsFailure(error, ENDPOINT, 5)).toBe(
      `AWS rejected the credentials (${name}: The security token included in the request is invalid.): refresh them (aws sso login) or replace the keys`,
    );
  });

  test.each([
    [400, 'ValidationError', 'ValidationError'],
    [500, 'InternalFailure', 'InternalFailure'],
    [503, undefined, 'error'],
  ])('HTTP %i %s, not about the credentials: failed, retry later', (status, name, named) => {
    const error = sdkError('try again', { name, status });
    expect(describeStsFailure(error, ENDPOINT, 5)).toBe(
      `STS GetCallerIdentity failed (HTTP ${status}, ${named}: try again): retry later`,
    );
  });
});

describe('withTimeout', () => {
  afterEach(() => jest.useRealTimers());

  test('a promise that settles in time: its value, and no timer left behind', async () => {
    jest.useFakeTimers();
    await expect(withTimeout(Promise.resolve('found'), 60_000)).resolves.toBe('found');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a promise that fails in time: its error, and no timer left behind', async () => {
    jest.useFakeTimers();
    await expect(withTimeout(Promise.reject(new Error('refused')), 60_000)).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });

  test('a promise that never settles: TimedOut once the time is up, not before', async () => {
    jest.useFakeTimers();
    let outcome: unknown;
    withTimeout(new Promise<never>(() => undefined), 1000).catch((error: unknown) => (outcome = error));
    await jest.advanceTimersByTimeAsync(999);
    expect(outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(TimedOut);
  });
});
