import {
  AccessTokenVerifier,
  ClientCredentialsTokenClient,
  InputError,
  readStackOutputs,
} from '../../operator';
import { checkTimeoutMs, MAX_TIMEOUT_MS, secondsToMs } from '../../operator/limits';
import { POOL_ID } from '../helpers/fakes/cognito';

// Node's timers overflow above 2^31-1 ms and fire at once; AbortSignal.timeout refuses fractions.
const OUT_OF_RANGE = [0, -1, 0.5, 1.5, NaN, Infinity, -Infinity, MAX_TIMEOUT_MS + 1, 2 ** 31, 4_294_967_000];
const IN_RANGE = [1, 150, 10_000, MAX_TIMEOUT_MS];

test.each(OUT_OF_RANGE)('timeout %p ms is refused, naming the setting, the value and the rule', (value) => {
  expect(() => checkTimeoutMs('timeoutMs', value)).toThrow(InputError);
  expect(() => checkTimeoutMs('timeoutMs', value)).toThrow(
    `timeoutMs ${value} is out of range: give a whole number of milliseconds from 1 to 600000`,
  );
});

test.each(IN_RANGE)('timeout %p ms is accepted', (value) => {
  expect(checkTimeoutMs('timeoutMs', value)).toBe(value);
});

test('seconds from an option become whole milliseconds', () => {
  expect([0.3, 0.001, 0.0015, 600, 4294967].map(secondsToMs)).toEqual([300, 1, 2, 600_000, 4_294_967_000]);
});

test.each(OUT_OF_RANGE)('every library entry point checks its timeout: %p', async (timeoutMs) => {
  const tokens = {
    tokenEndpoint: 'https://auth.example.test/oauth2/token',
    clientId: 'c',
    clientSecret: 's',
  };
  expect(() => new ClientCredentialsTokenClient({ ...tokens, timeoutMs })).toThrow(
    /^timeoutMs .* is out of range/,
  );
  expect(() => new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: ['c'], timeoutMs })).toThrow(
    /^timeoutMs .* is out of range/,
  );
  await expect(readStackOutputs('m2m-auth-dev', { projectDir: __dirname, timeoutMs })).rejects.toThrow(
    /^timeoutMs .* is out of range/,
  );
});

test.each([-1, NaN, 301, Infinity])(
  'graceSeconds %p is refused: NaN would accept every expired token',
  (graceSeconds) => {
    expect(() => new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: ['c'], graceSeconds })).toThrow(
      `graceSeconds ${graceSeconds} is out of range: give a number of seconds from 0 to 300`,
    );
  },
);

test.each([0, 300])('graceSeconds %p is accepted', (graceSeconds) => {
  expect(new AccessTokenVerifier({ userPoolId: POOL_ID, clientIds: ['c'], graceSeconds }).issuer).toMatch(
    /^https:/,
  );
});
