/**
 * Old states to adopt from: the state the original main.tf left in the emulator (fixtures/, its client
 * secret replaced by a marker), and variations of it made by editing a copy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURES = path.join(__dirname, 'fixtures');
/** A state file (format 4) of the original main.tf, dev, one client. */
export const ORIGINAL_STATE = path.join(FIXTURES, 'original.tfstate');
/** `terraform show -json` of the same state. */
export const ORIGINAL_SHOW_JSON = path.join(FIXTURES, 'original.show.json');
/** The client secret in both fixtures: it must never be printed, thrown or copied. */
export const FIXTURE_SECRET = 'fixture-secret-7Rq2-never-printed';

type Attributes = Record<string, unknown>;
interface Instance {
  index_key?: string | number;
  attributes: Attributes;
}
interface Resource {
  module?: string;
  provider?: string;
  mode: string;
  type: string;
  name: string;
  instances: Instance[];
}
export interface StateDocument {
  version: number;
  resources: Resource[];
  [key: string]: unknown;
}

/** A fresh copy of the original state, to edit. */
export function originalState(): StateDocument {
  return JSON.parse(fs.readFileSync(ORIGINAL_STATE, 'utf8')) as StateDocument;
}

/** The attributes of the first instance of `type`, to edit in place. */
export function attributesOf(state: StateDocument, type: string): Attributes {
  const resource = state.resources.find((r) => r.type === type);
  if (!resource) throw new Error(`no ${type} in the state`);
  return resource.instances[0].attributes;
}

export const POOL_ID = (): string => attributesOf(originalState(), 'aws_cognito_user_pool').id as string;

export interface ExtraClient {
  /** The resource's name in the old configuration. */
  readonly resourceName: string;
  readonly cognitoName: string;
  readonly id: string;
  readonly scopes: readonly string[];
  readonly validity: number;
  readonly unit: string;
  readonly indexKey?: string;
}

/** Adds a client of the pool, copied from the original one with other values. */
export function addClient(state: StateDocument, client: ExtraClient): StateDocument {
  const original = attributesOf(state, 'aws_cognito_user_pool_client');
  state.resources.push({
    mode: 'managed',
    type: 'aws_cognito_user_pool_client',
    name: client.resourceName,
    instances: [
      {
        ...(client.indexKey !== undefined && { index_key: client.indexKey }),
        attributes: {
          ...structuredClone(original),
          id: client.id,
          name: client.cognitoName,
          client_secret: `${FIXTURE_SECRET}-${client.id}`,
          allowed_oauth_scopes: client.scopes.map((scope) => `m2m-client/${scope}`),
          access_token_validity: client.validity,
          token_validity_units: [{ access_token: client.unit, id_token: 'hours', refresh_token: 'days' }],
        },
      },
    ],
  });
  return state;
}

/** The state as prod would have it: names, domain and deletion protection of prod. */
export function prodState(): StateDocument {
  const state = originalState();
  attributesOf(state, 'aws_cognito_user_pool').name = 'prod-machine-to-machine-user-pool';
  attributesOf(state, 'aws_cognito_user_pool').deletion_protection = 'ACTIVE';
  attributesOf(state, 'aws_cognito_user_pool').tags = { Environment: 'prod', Project: 'm2m-auth' };
  attributesOf(state, 'aws_cognito_user_pool').tags_all = { Environment: 'prod', Project: 'm2m-auth' };
  const domain = attributesOf(state, 'aws_cognito_user_pool_domain');
  domain.domain = 'm2m-rubicon-auth';
  domain.id = 'm2m-rubicon-auth';
  return state;
}
