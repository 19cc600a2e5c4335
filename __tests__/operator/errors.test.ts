/**
 * The operator library's errors as callers tell them apart: by class, and by `name` where an error
 * crossed a boundary that loses its class (a worker, a log line, `String(error)`).
 */
import {
  AccessTokenRejectedError,
  AdoptionRefusedError,
  AwsRequestError,
  InputError,
  M2mError,
  RotationRefusedError,
  SigningKeysUnavailableError,
  StackOutputsError,
  TokenEndpointError,
  TokenRequestError,
} from '../../operator/errors';

// Each error is made inside its test: Stryker credits a mutant only to the tests during which it ran.
test.each<[string, () => Error]>([
  ['InputError', () => new InputError('m')],
  ['StackOutputsError', () => new StackOutputsError('not-deployed', 'm')],
  ['TokenRequestError', () => new TokenRequestError('invalid_client', 401, 'm')],
  ['TokenEndpointError', () => new TokenEndpointError('timeout', 'm')],
  ['AccessTokenRejectedError', () => new AccessTokenRejectedError('expired', 'm')],
  ['SigningKeysUnavailableError', () => new SigningKeysUnavailableError('m')],
  ['AwsRequestError', () => new AwsRequestError('denied', 'm')],
  ['RotationRefusedError', () => new RotationRefusedError('only-one-secret', 'm')],
  ['AdoptionRefusedError', () => new AdoptionRefusedError('m')],
])('%s is an M2mError named so, with its message', (name, make) => {
  const error = make();
  expect(error).toBeInstanceOf(M2mError);
  expect(error.name).toBe(name);
  expect(String(error)).toBe(`${name}: m`);
});

test('a rejection that is not about scopes lacks none', () => {
  expect(new AccessTokenRejectedError('expired', 'm').missingScopes).toEqual([]);
});
