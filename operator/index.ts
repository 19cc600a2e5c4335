/**
 * The operator library: get tokens (client-credentials grant), verify them (resource servers),
 * read a deployed stack's outputs, and a client's credentials from Secrets Manager. `import { ... } from 'm2m-auth/operator'`.
 */
export {
  type AccessToken,
  ClientCredentialsTokenClient,
  type ClientCredentialsTokenClientOptions,
  DEFAULT_TOKEN_TIMEOUT_MS,
  normalizeScopes,
  refreshMarginMs,
} from './token-client';
export {
  type AccessTokenClaims,
  AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type VerifyAccessTokenOptions,
} from './access-token-verifier';
export {
  parseStackOutputs,
  readStackOutputs,
  type ReadStackOutputsOptions,
  selectStackClient,
  type StackClient,
  type StackOutputs,
} from './stack-outputs';
export {
  type CredentialsDocument,
  readCredentialsSecret,
  secretsManagerSecretLoader,
  type SecretsManagerSecretLoaderOptions,
  writeCredentialsSecret,
} from './credentials-secret';
export { redactSecrets, SecretRedactor } from './secret-redaction';
export { isLoopbackHost } from './transport-security';
export { jsonForTerminal, oneLine, sanitizeForTerminal } from './untrusted-text';
export * from './errors';
