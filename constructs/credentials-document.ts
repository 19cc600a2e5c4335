/**
 * What a client's Secrets Manager secret holds, as JSON: written by Terraform when the secret is
 * created (client-credentials-secret.ts), rewritten by `m2m rotate-secret start`, and read
 * by services (operator/credentials-secret.ts). The keys live here, once.
 */
import { z } from 'zod';

/** The JSON keys of the credentials document. */
export const CREDENTIALS_KEYS = {
  clientId: 'client_id',
  clientSecret: 'client_secret',
  tokenEndpoint: 'token_endpoint',
  scopes: 'scopes',
  /**
   * Which of the app client's Cognito secrets client_secret is (ListUserPoolClientSecrets'
   * ClientSecretId). Absent where Terraform wrote the document: the client's first secret.
   */
  clientSecretId: 'client_secret_id',
} as const;

/**
 * The document as services and `m2m rotate-secret` read it. Keys other than these are kept as they
 * are when the document is rewritten.
 */
export const credentialsDocumentSchema = z.looseObject({
  [CREDENTIALS_KEYS.clientId]: z.string().min(1),
  [CREDENTIALS_KEYS.clientSecret]: z.string().min(1),
  [CREDENTIALS_KEYS.tokenEndpoint]: z.string().min(1),
  [CREDENTIALS_KEYS.scopes]: z.array(z.string()),
  [CREDENTIALS_KEYS.clientSecretId]: z.string().min(1).optional(),
});

export type CredentialsDocument = z.infer<typeof credentialsDocumentSchema>;
