import * as fs from 'node:fs';
import * as path from 'node:path';
import { OfflineWorkspace, type PlanJson } from '../../terraform/offline-workspace';
import { synthesizeApp } from '../../terraform/synthesize';
import { PROJECT_ROOT } from '../helpers/project';
import { describeWithTerraform } from './with-terraform';

// Terraform template syntax in every cdktf.json string the rules let through. Each must reach the plan
// as the text it is: not evaluated (file(), path.cwd, directives), not unescaped ($${ stays $${).
const READ_A_FILE = '${file("/etc/hostname")}';
const DIRECTIVE = '%{ if true }x%{ endif }';
const IDENTIFIER = '${path.cwd}%{if(true)}x%{endif}$${x}';
const SCOPES = [
  { name: '${path.cwd}', description: READ_A_FILE },
  { name: '%{if(true)}yes%{endif}', description: DIRECTIVE },
  { name: '$${x}', description: '$${x}, $$${y} and $$$' },
];
const PROJECT_TAG = `${READ_A_FILE} ${DIRECTIVE} $\${z}`;

function after(plan: PlanJson, type: string): Record<string, unknown> {
  const changes = plan.resource_changes.filter((change) => change.type === type);
  expect(changes).toHaveLength(1);
  return changes[0].change.after;
}

describeWithTerraform('Terraform syntax in cdktf.json settings', (tf) => {
  let workspace: OfflineWorkspace;
  let plan: PlanJson;

  beforeAll(async () => {
    const [stack] = synthesizeApp(PROJECT_ROOT, path.join(tf().scratch, 'interpolation'), {
      projectTag: PROJECT_TAG,
      resourceServer: { identifier: IDENTIFIER, name: 'User API', scopes: SCOPES },
      clients: [{ name: 'reporting' }],
      storeCredentialsInSecretsManager: true,
    });
    workspace = OfflineWorkspace.create(stack.dir, tf().terraform, tf().cliConfig);
    await workspace.init();
    const result = await workspace.plan();
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    plan = result.plan;
  });
  afterAll(() => workspace?.dispose());

  test('reaches the resource server as text', () => {
    const server = after(plan, 'aws_cognito_resource_server');
    expect(server.identifier).toBe(IDENTIFIER);
    const scopes = server.scope as { scope_name: string; scope_description: string }[];
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(
      scopes.map((s) => ({ name: s.scope_name, description: s.scope_description })).sort(byName),
    ).toEqual([...SCOPES].sort(byName));
  });

  // The stored credentials take their scopes from this client attribute (their JSON is unknown until
  // apply, as it holds the client secret).
  test('reaches the client and the outputs as text', () => {
    const identifiers = SCOPES.map((scope) => `${IDENTIFIER}/${scope.name}`);
    const client = after(plan, 'aws_cognito_user_pool_client');
    expect([...(client.allowed_oauth_scopes as string[])].sort()).toEqual([...identifiers].sort());
    const outputs = plan.planned_values.outputs!;
    expect(outputs.resource_server_scope_identifiers.value).toEqual(identifiers);
    expect(outputs.client_scopes.value).toEqual({ reporting: identifiers });
  });

  test('reaches the tags, through the project_tag variable, as text', () => {
    expect(after(plan, 'aws_cognito_user_pool').tags_all).toMatchObject({ Project: PROJECT_TAG });
    expect(after(plan, 'aws_secretsmanager_secret').tags_all).toMatchObject({ Project: PROJECT_TAG });
  });

  test('reads nothing from the machine', () => {
    const everything = JSON.stringify(plan);
    const hostname = fs.existsSync('/etc/hostname') ? fs.readFileSync('/etc/hostname', 'utf8').trim() : '';
    if (hostname) expect(everything).not.toContain(hostname);
    expect(everything).not.toContain(workspace.dir);
  });
});
