/** ClientCredentialsSecret on its own, as a construct library user would add it to a stack of theirs. */
import { ClientCredentialsSecret } from '../../constructs/client-credentials-secret';
import { M2mAppClient } from '../../constructs/m2m-app-client';
import { onlyResource, synthScope } from '../helpers/synth';

function secretOf(recoveryWindowInDays?: number) {
  const json = synthScope((scope) => {
    const client = new M2mAppClient(scope, 'client', {
      userPoolId: 'us-east-1_AbCdEf123',
      clientName: 'svc',
      scopeIdentifiers: ['orders/read'],
    });
    new ClientCredentialsSecret(scope, 'credentials', {
      secretName: 'm2m-auth/dev/svc',
      description: 'Credentials of svc',
      recoveryWindowInDays,
      client,
      tokenEndpoint: 'https://auth.example/oauth2/token',
      scopes: ['orders/read'],
    });
  });
  return onlyResource(JSON.parse(json), 'aws_secretsmanager_secret');
}

test("keeps a deleted secret for Secrets Manager's longest window, 30 days, unless told otherwise", () => {
  expect(secretOf().recovery_window_in_days).toBe(30);
  expect(secretOf(0).recovery_window_in_days).toBe(0);
  expect(secretOf(7).recovery_window_in_days).toBe(7);
});
