/**
 * Reading Terraform states (operator/terraform-state.ts): the addresses a state file (format 4) and
 * `terraform show -json` give, and each malformed document refused with a message naming its fault.
 * adopt.test.ts reads whole deployments; this file reads the shapes one at a time.
 */
import { InputError } from '../../operator/errors';
import { parseState } from '../../operator/terraform-state';

const SOURCE = 'state file old.tfstate';

/** A state file (format 4) holding these resources. */
const stateFile = (...resources: unknown[]) => JSON.stringify({ version: 4, resources });
/** A managed resource of a state file with one instance per entry of `instances`. */
const resource = (extra: Record<string, unknown>, instances: unknown[] = [{ attributes: { id: 'x' } }]) => ({
  mode: 'managed',
  type: 'aws_cognito_user_pool',
  name: 'pool',
  instances,
  ...extra,
});
/** `terraform show -json` output whose root module is `root`. */
const showJson = (root: Record<string, unknown>) =>
  JSON.stringify({ format_version: '1.0', values: { root_module: root } });
const shown = (address: string, extra: Record<string, unknown> = {}) => ({
  address,
  mode: 'managed',
  type: 'aws_cognito_user_pool',
  values: { id: 'x' },
  ...extra,
});

const addresses = (text: string) => parseState(text, SOURCE).map((found) => found.address);

function refusal(text: string): string {
  try {
    parseState(text, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the state to be refused');
}

describe('a state file gives each instance its full address', () => {
  test.each<[string, unknown, string]>([
    ['in the root module, without a key', resource({}), 'aws_cognito_user_pool.pool'],
    ['with a number key', resource({}, [{ index_key: 0, attributes: {} }]), 'aws_cognito_user_pool.pool[0]'],
    [
      'with a string key',
      resource({}, [{ index_key: 'a', attributes: {} }]),
      'aws_cognito_user_pool.pool["a"]',
    ],
    ['in a module', resource({ module: 'module.auth' }), 'module.auth.aws_cognito_user_pool.pool'],
    [
      'in a module instance, with a key',
      resource({ module: 'module.auth["dev"]' }, [{ index_key: 1, attributes: {} }]),
      'module.auth["dev"].aws_cognito_user_pool.pool[1]',
    ],
    ['with an empty module, as the root', resource({ module: '' }), 'aws_cognito_user_pool.pool'],
  ])('%s', (_what, entry, address) => {
    expect(addresses(stateFile(entry))).toEqual([address]);
  });

  test('data sources and entries that are no resource are left out; the values are the attributes', () => {
    const text = stateFile(resource({ mode: 'data', name: 'lookup' }), null, 'x', resource({}));
    expect(parseState(text, SOURCE)).toEqual([
      { address: 'aws_cognito_user_pool.pool', type: 'aws_cognito_user_pool', values: { id: 'x' } },
    ]);
  });

  test('a state without resources holds nothing', () => {
    expect(addresses(JSON.stringify({ version: 4 }))).toEqual([]);
  });

  test('a resource without instances (its key left out) has no instance to read', () => {
    const { instances: _none, ...withoutInstances } = resource({});
    expect(addresses(stateFile(withoutInstances, resource({ name: 'other' })))).toEqual([
      'aws_cognito_user_pool.other',
    ]);
  });
});

describe('terraform show -json gives the resources of every module', () => {
  test('root and child modules, data sources and non-objects left out', () => {
    const text = showJson({
      resources: [shown('aws_cognito_user_pool.a'), shown('data.aws_region.r', { mode: 'data' }), 7],
      child_modules: [
        { resources: [shown('module.m.aws_cognito_user_pool.b')], child_modules: 'not a list' },
        'not a module',
      ],
    });
    expect(addresses(text)).toEqual(['aws_cognito_user_pool.a', 'module.m.aws_cognito_user_pool.b']);
  });

  /** Modules nested `depth` deep below the root, the deepest holding one resource. */
  const nested = (depth: number) => {
    let module: Record<string, unknown> = { resources: [shown('aws_cognito_user_pool.deep')] };
    for (let level = 0; level < depth; level++) module = { child_modules: [module] };
    return showJson(module);
  };

  test('32 levels of modules are read; 33 are refused', () => {
    expect(addresses(nested(32))).toEqual(['aws_cognito_user_pool.deep']);
    expect(refusal(nested(33))).toBe(
      `the ${SOURCE} nests modules more than 32 deep: pass the state of the old main.tf`,
    );
  });
});

describe('a malformed document is refused, naming the fault', () => {
  test.each<[string, string, string]>([
    ['not JSON', '{', `the ${SOURCE} is not JSON: pass a Terraform state (terraform state pull > file)`],
    ['JSON null', 'null', `the ${SOURCE} is not a Terraform state: pass one (terraform state pull > file)`],
    ['a list', '[]', `the ${SOURCE} is not a Terraform state: pass one (terraform state pull > file)`],
    [
      'no version',
      '{}',
      `the ${SOURCE} is not a Terraform state of format 4 (version null): use a state written by Terraform 0.12 or later (terraform state pull > file)`,
    ],
    [
      'resources that are no list',
      JSON.stringify({ version: 4, resources: {} }),
      `the ${SOURCE} is not a Terraform state (resources is not a list): pass one`,
    ],
    [
      'instances that are no list',
      stateFile(resource({ instances: 'x' })),
      `the ${SOURCE} is not a Terraform state (instances is not a list): pass one`,
    ],
    [
      'an instance without attributes',
      stateFile(resource({}, [{}])),
      `the ${SOURCE} has a resource without attributes: use a state written by Terraform 0.12 or later`,
    ],
    [
      'attributes that are a list',
      stateFile(resource({}, [{ attributes: [] }])),
      `the ${SOURCE} has a resource without attributes: use a state written by Terraform 0.12 or later`,
    ],
    [
      'attributes that are null',
      stateFile(resource({}, [{ attributes: null }])),
      `the ${SOURCE} has a resource without attributes: use a state written by Terraform 0.12 or later`,
    ],
    [
      'show -json values without a root module',
      JSON.stringify({ format_version: '1.0', values: {} }),
      `the ${SOURCE} is not terraform show -json output: check the Terraform version (1.x)`,
    ],
    [
      'show -json values that are a list',
      JSON.stringify({ format_version: '1.0', values: [] }),
      `the ${SOURCE} is not terraform show -json output: check the Terraform version (1.x)`,
    ],
    [
      'a show -json resource whose values are no object',
      showJson({ resources: [shown('aws_cognito_user_pool.a', { values: [] })] }),
      `the ${SOURCE} has a resource address adopt does not take, "aws_cognito_user_pool.a": rename it in the old configuration (terraform state mv)`,
    ],
    [
      'a show -json resource without a type',
      showJson({ resources: [shown('aws_cognito_user_pool.a', { type: 7 })] }),
      `the ${SOURCE} has a resource address adopt does not take, "aws_cognito_user_pool.a": rename it in the old configuration (terraform state mv)`,
    ],
  ])('%s', (_what, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  test('an address too long to quote is quoted cut to 200 characters', () => {
    const name = `p${'x'.repeat(300)};`;
    const message = refusal(stateFile(resource({ name })));
    expect(message).toContain(
      `, "aws_cognito_user_pool.${name.slice(0, 200 - 'aws_cognito_user_pool.'.length)}": `,
    );
    expect(message).not.toContain('x'.repeat(250));
  });
});
