// The conventional reference point: the same four Cognito resources written the way
// `cdktf init --template=typescript` lays a project out (root import, ts-node with type-checking).
import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import {
  provider,
  cognitoUserPool,
  cognitoResourceServer,
  cognitoUserPoolDomain,
  cognitoUserPoolClient,
} from '@cdktf/provider-aws';

class MyStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new provider.AwsProvider(this, 'aws', { region: 'us-east-1' });

    const userPool = new cognitoUserPool.CognitoUserPool(this, 'user-pool', {
      name: 'dev-machine-to-machine-user-pool',
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
    });

    const resourceServer = new cognitoResourceServer.CognitoResourceServer(this, 'resource-server', {
      userPoolId: userPool.id,
      identifier: 'm2m-client',
      name: 'User API',
      scope: [
        { scopeName: 'read', scopeDescription: 'Read access' },
        { scopeName: 'write', scopeDescription: 'Write access' },
      ],
    });

    new cognitoUserPoolDomain.CognitoUserPoolDomain(this, 'domain', {
      userPoolId: userPool.id,
      domain: 'm2m-rubicon-dev-auth',
    });

    new cognitoUserPoolClient.CognitoUserPoolClient(this, 'client', {
      name: 'dev-m2m-client',
      userPoolId: userPool.id,
      generateSecret: true,
      allowedOauthFlows: ['client_credentials'],
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthScopes: [`${resourceServer.identifier}/read`, `${resourceServer.identifier}/write`],
      supportedIdentityProviders: ['COGNITO'],
    });
  }
}

const app = new App();
new MyStack(app, 'baseline');
app.synth();
