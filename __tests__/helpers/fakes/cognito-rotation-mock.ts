/**
 * Cognito's secret-rotation API, which the emulator lacks, mocked with aws-sdk-client-mock: every
 * CognitoIdentityProviderClient of this process answers AddUserPoolClientSecret,
 * ListUserPoolClientSecrets and DeleteUserPoolClientSecret from a FakeCognito, whose token endpoint
 * then accepts exactly the secrets the mock reports.
 */
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { type FakeCognito, FakeCognitoApiError, POOL_ID } from './cognito';

export type CognitoMock = AwsClientStub<CognitoIdentityProviderClient>;

export interface CognitoRotationMockOptions {
  /** The user pool the fake's clients are in. @default POOL_ID */
  readonly userPoolId?: string;
  /** When AddUserPoolClientSecret creates a secret. @default now */
  readonly now?: () => number;
}

/** Mocks the rotation API on top of `fake`; restore() the returned mock when done. */
export function mockCognitoRotation(
  fake: FakeCognito,
  options: CognitoRotationMockOptions = {},
): CognitoMock {
  const userPoolId = options.userPoolId ?? POOL_ID;
  const now = options.now ?? Date.now;
  const mock = mockClient(CognitoIdentityProviderClient);
  const inPool = <T>(input: { UserPoolId?: string }, answer: () => T): T => {
    if (input.UserPoolId !== userPoolId) {
      throw apiError(new FakeCognitoApiError('ResourceNotFoundException', 'User pool does not exist.'));
    }
    try {
      return answer();
    } catch (error) {
      throw error instanceof FakeCognitoApiError ? apiError(error) : error;
    }
  };
  mock.on(AddUserPoolClientSecretCommand).callsFake((input) =>
    inPool(input, () => {
      const secret = fake.addClientSecret(input.ClientId, new Date(now()));
      return {
        ClientSecretDescriptor: {
          ClientSecretId: secret.id,
          ClientSecretValue: secret.value,
          ClientSecretCreateDate: secret.created,
        },
      };
    }),
  );
  mock.on(ListUserPoolClientSecretsCommand).callsFake((input) =>
    inPool(input, () => ({
      ClientSecrets: fake
        .listClientSecrets(input.ClientId)
        .map(({ id, created }) => ({ ClientSecretId: id, ClientSecretCreateDate: created })),
    })),
  );
  mock.on(DeleteUserPoolClientSecretCommand).callsFake((input) =>
    inPool(input, () => {
      fake.deleteClientSecret(input.ClientId, input.ClientSecretId);
      return {};
    }),
  );
  return mock;
}

/** The SDK's exception for an error of the fake, as a 400 reply of Cognito deserializes to. */
export function apiError(error: FakeCognitoApiError): CognitoIdentityProviderServiceException {
  return new CognitoIdentityProviderServiceException({
    name: error.exception,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: error.message,
  });
}
