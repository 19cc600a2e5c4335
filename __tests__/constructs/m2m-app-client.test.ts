/**
 * M2mAppClient on its own, as a construct library user would add it to a stack of theirs: it checks
 * its literal props itself, and writes the lifetime in the unit Cognito is given it.
 */
import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { M2mAppClient, type M2mAppClientProps } from '../../constructs/m2m-app-client';
import { onlyResource, synthScope } from '../helpers/synth';

const PROPS: M2mAppClientProps = {
  userPoolId: 'us-east-1_AbCdEf123',
  clientName: 'svc',
  scopeIdentifiers: ['orders/read'],
};

/** The app client M2mAppClient synthesizes from PROPS and `props`, the latter given the stack. */
function appClientOf(props: Partial<M2mAppClientProps> | ((scope: Construct) => Partial<M2mAppClientProps>)) {
  const json = synthScope((scope) => {
    new M2mAppClient(scope, 'client', { ...PROPS, ...(typeof props === 'function' ? props(scope) : props) });
  });
  return onlyResource(JSON.parse(json), 'aws_cognito_user_pool_client');
}

test.each([5, 60, 1440])("accepts a lifetime of %i minutes, within Cognito's range", (minutes) => {
  expect(appClientOf({ accessTokenValidityMinutes: minutes })).toMatchObject({
    access_token_validity: minutes,
    token_validity_units: [{ access_token: 'minutes' }],
  });
});

test.each<[string, Partial<M2mAppClientProps>, string]>([
  [
    'a lifetime under the range',
    { accessTokenValidityMinutes: 4 },
    'accessTokenValidityMinutes 4 is invalid: must be between 5 and 1440 minutes',
  ],
  [
    'a lifetime over the range',
    { accessTokenValidityMinutes: 1441 },
    'accessTokenValidityMinutes 1441 is invalid: must be between 5 and 1440 minutes',
  ],
  [
    'an unknown unit',
    { accessTokenValidityUnit: 'weeks' as never },
    'accessTokenValidityUnit "weeks" is invalid: must be one of seconds, minutes, hours, days',
  ],
  ['no scope', { scopeIdentifiers: [] }, 'scopeIdentifiers of client svc [] is invalid: '],
])('refuses %s, naming the prop and the rule', (_what, props, message) => {
  expect(() => appClientOf(props)).toThrow(message);
});

test('gives Cognito a Terraform number in minutes as it is', () => {
  const client = appClientOf((scope) => ({
    accessTokenValidityMinutes: new TerraformVariable(scope, 'minutes', { type: 'number' }).numberValue,
  }));
  expect(client.access_token_validity).toBe('${var.minutes}');
});
