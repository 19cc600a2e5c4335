/**
 * A project folder with synthesized stacks, and a fake `terraform` that prints a canned
 * `terraform output -json` document from the stack folder it runs in, as the real one reads that
 * stack's state.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  STACK_OUTPUTS,
  type StackOutputName,
  type StackOutputValues,
} from '../../constructs/m2m-auth-outputs';
import { ISSUER, POOL_ID } from './fake-cognito';

const FAKE_TERRAFORM = `#!/bin/sh
case "$1 $2" in
  "version -json") echo '{"terraform_version":"1.11.4","platform":"linux_amd64"}' ;;
  "init -backend=false") echo '- Installed hashicorp/aws v5.100.0 (unauthenticated)' ;;
  "output -json")
    if [ -f terraform-output.json ]; then cat terraform-output.json; exit 0; fi
    echo '╷' >&2
    echo '│ Error: Backend initialization required, please run "terraform init"' >&2
    echo '╵' >&2
    exit 1 ;;
  *) echo "fake terraform: unexpected arguments: $*" >&2; exit 1 ;;
esac
`;

/** The outputs M2mAuthStack defines, with two clients; overrides may break the contract on purpose. */
export function stackOutputValues(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const values: StackOutputValues = {
    token_endpoint: 'https://m2m-rubicon.auth.us-east-1.amazoncognito.com/oauth2/token',
    user_pool_id: POOL_ID,
    user_pool_arn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL_ID}`,
    issuer: ISSUER,
    jwks_uri: `${ISSUER}/.well-known/jwks.json`,
    domain: 'm2m-rubicon',
    client_id: 'client-a',
    client_secret: 'stack-secret-a',
    client_ids: { 'm2m-client': 'client-a', reporting: 'client-b' },
    client_secrets: { 'm2m-client': 'stack-secret-a', reporting: 'stack-secret-b' },
    client_scopes: { 'm2m-client': ['m2m-client/read', 'm2m-client/write'], reporting: ['m2m-client/read'] },
    resource_server_scope_identifiers: ['m2m-client/read', 'm2m-client/write'],
  };
  return { ...values, ...overrides };
}

/** A `terraform output -json` document: each value with its sensitivity and type. */
export function terraformOutputDocument(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      {
        sensitive: STACK_OUTPUTS[name as StackOutputName]?.sensitive ?? false,
        type: typeof value === 'string' ? 'string' : 'dynamic',
        value,
      },
    ]),
  );
}

export interface FakeProject {
  /** The project root. */
  readonly dir: string;
  /** A folder holding only the fake terraform, to put on PATH. */
  readonly binDir: string;
  /** The fake terraform's path. */
  readonly terraform: string;
  /** An empty Terraform CLI configuration file, for TF_CLI_CONFIG_FILE. */
  readonly cliConfig: string;
}

/**
 * A temporary project whose cdktf.out/stacks holds the given stacks; a stack with outputs `null` is
 * synthesized but not deployed (terraform output fails as before `terraform init`).
 */
export function createFakeProject(stacks: Record<string, Record<string, unknown> | null>): FakeProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-project-'));
  for (const [name, values] of Object.entries(stacks)) {
    const stackDir = path.join(dir, 'cdktf.out', 'stacks', name);
    fs.mkdirSync(stackDir, { recursive: true });
    fs.writeFileSync(path.join(stackDir, 'cdk.tf.json'), '{}');
    if (values) {
      fs.writeFileSync(
        path.join(stackDir, 'terraform-output.json'),
        JSON.stringify(terraformOutputDocument(values)),
      );
    }
  }
  const binDir = path.join(dir, 'fake-bin');
  fs.mkdirSync(binDir);
  const terraform = path.join(binDir, 'terraform');
  fs.writeFileSync(terraform, FAKE_TERRAFORM, { mode: 0o755 });
  const cliConfig = path.join(dir, 'terraform.rc');
  fs.writeFileSync(cliConfig, '');
  return { dir, binDir, terraform, cliConfig };
}
