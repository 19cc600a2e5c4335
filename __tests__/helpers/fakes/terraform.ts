/**
 * A project folder as cdktf leaves it (cdktf.json, and in its output folder manifest.json and the
 * stack folders), and a fake `terraform` that answers from files there, as the real one reads a
 * stack's state:
 *   version -json, init -backend=false   as Terraform 1.11.4 (or $FAKE_TERRAFORM_VERSION; with
 *                  $FAKE_TERRAFORM_BROKEN set, fails) with the AWS provider from a mirror
 *   output -json -no-color   the stack folder's terraform-output.json; without one, fails as before terraform init
 *   show -json -no-color   prints the file $FAKE_NEW_STATE names; with $FAKE_HANG set, never answers
 *   state pull     prints the file $FAKE_OLD_STATE names
 *   state rm       writes its arguments, one a line, to the file $FAKE_STATE_RM names
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  STACK_OUTPUTS,
  type StackOutputName,
  type StackOutputValues,
} from '../../../constructs/m2m-auth-outputs';
import { PROJECT_ROOT } from '../project';
import { ISSUER, POOL_ID, READ, WRITE } from './cognito';

const FAKE_TERRAFORM = `#!/bin/sh
case "$1 $2" in
  "version -json")
    if [ -n "$FAKE_TERRAFORM_BROKEN" ]; then echo 'terraform: cannot execute binary file' >&2; exit 126; fi
    echo '{"terraform_version":"'"\${FAKE_TERRAFORM_VERSION:-1.11.4}"'","platform":"linux_amd64"}' ;;
  "init -backend=false") echo '- Installed hashicorp/aws v5.100.0 (unauthenticated)' ;;
  "output -json")
    if [ "$*" != "output -json -no-color" ]; then echo "fake terraform: unexpected arguments: $*" >&2; exit 1; fi
    if [ -f terraform-output.json ]; then cat terraform-output.json; exit 0; fi
    echo '╷' >&2
    echo '│ Error: Backend initialization required, please run "terraform init"' >&2
    echo '╵' >&2
    exit 1 ;;
  "show -json")
    if [ "$*" != "show -json -no-color" ]; then echo "fake terraform: unexpected arguments: $*" >&2; exit 1; fi
    if [ -n "$FAKE_HANG" ]; then exec sleep 60; fi
    cat "$FAKE_NEW_STATE" ;;
  "state pull") cat "$FAKE_OLD_STATE" ;;
  "state rm") printf '%s\\n' "$@" > "$FAKE_STATE_RM" ;;
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
    client_scopes: { 'm2m-client': [READ, WRITE], reporting: [READ] },
    resource_server_scope_identifiers: [READ, WRITE],
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
  /** The project root: this project's cdktf.json, with `output` where one was given. */
  readonly dir: string;
  /** The output folder, which holds manifest.json. */
  readonly outdir: string;
  /** A folder holding only the fake terraform, to put on PATH. */
  readonly binDir: string;
  /** The fake terraform's path. */
  readonly terraform: string;
  /** An empty Terraform CLI configuration file, for TF_CLI_CONFIG_FILE. */
  readonly cliConfig: string;
  /**
   * Synthesizes a stack: its folder and its entry in manifest.json. With outputs it is deployed (the
   * fake terraform prints them); without, `terraform output` fails as before `terraform init`.
   */
  addStack(name: string, outputs?: Record<string, unknown>): void;
  remove(): void;
}

/** A temporary project holding the given stacks (`null`: synthesized, not deployed). */
export function createFakeProject(
  stacks: Record<string, Record<string, unknown> | null> = {},
  { output }: { readonly output?: string } = {},
): FakeProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-project-'));
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, output }, null, 2));
  const outdir = path.join(dir, output ?? 'cdktf.out');
  const manifest: { stacks: Record<string, { name: string; workingDirectory: string }> } = { stacks: {} };
  const binDir = path.join(dir, 'fake-bin');
  fs.mkdirSync(binDir);
  fs.writeFileSync(path.join(binDir, 'terraform'), FAKE_TERRAFORM, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'terraform.rc'), '');
  const project: FakeProject = {
    dir,
    outdir,
    binDir,
    terraform: path.join(binDir, 'terraform'),
    cliConfig: path.join(dir, 'terraform.rc'),
    addStack(name, outputs) {
      const workingDirectory = path.join('stacks', name);
      fs.mkdirSync(path.join(outdir, workingDirectory), { recursive: true });
      fs.writeFileSync(path.join(outdir, workingDirectory, 'cdk.tf.json'), '{}');
      if (outputs) {
        const document = JSON.stringify(terraformOutputDocument(outputs));
        fs.writeFileSync(path.join(outdir, workingDirectory, 'terraform-output.json'), document);
      }
      manifest.stacks[name] = { name, workingDirectory };
      fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  for (const [name, outputs] of Object.entries(stacks)) project.addStack(name, outputs ?? undefined);
  return project;
}
