/**
 * The operator library's errors. Each message is one line that names the cause and what to check, and
 * never contains a client secret, so callers can show it as it is.
 */

/** Base class of every error the operator library throws on purpose. */
export abstract class M2mError extends Error {}

/** A required input is missing or malformed: an option, an environment variable, a file. */
export class InputError extends M2mError {
  public override readonly name = 'InputError';
}

/** Why a deployed stack's outputs could not be read. */
export type StackOutputsProblem =
  | 'invalid-name'
  | 'not-synthesized'
  | 'terraform-missing'
  | 'terraform-failed'
  | 'not-deployed'
  | 'unexpected-outputs'
  | 'unknown-client';

/** The outputs of a deployed stack could not be read (not synthesized, not deployed, no Terraform...). */
export class StackOutputsError extends M2mError {
  public override readonly name = 'StackOutputsError';

  constructor(
    public readonly problem: StackOutputsProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The token endpoint answered with an OAuth 2.0 error (RFC 6749 5.2), e.g. invalid_client or
 * invalid_scope: the request reached Cognito and Cognito refused it.
 */
export class TokenRequestError extends M2mError {
  public override readonly name = 'TokenRequestError';

  constructor(
    /** The OAuth error code, e.g. "invalid_client". */
    public readonly error: string,
    /** The HTTP status of the reply. */
    public readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Why the token endpoint gave no usable answer. */
export type TokenEndpointProblem = 'timeout' | 'unreachable' | 'server-error' | 'unexpected-reply';

/**
 * The token endpoint could not be asked or gave no usable answer: unreachable host, time-out, HTTP 5xx,
 * a reply that is not the JSON of a token response.
 */
export class TokenEndpointError extends M2mError {
  public override readonly name = 'TokenEndpointError';

  constructor(
    public readonly problem: TokenEndpointProblem,
    message: string,
    /** The HTTP status, when there was a reply. */
    public readonly status?: number,
  ) {
    super(message);
  }
}

/** Why an access token was rejected. */
export type AccessTokenProblem =
  | 'malformed'
  | 'expired'
  | 'no-expiry'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-client'
  | 'wrong-token-use'
  | 'missing-scope'
  | 'bad-signature'
  | 'unknown-key'
  | 'invalid';

/** An access token failed verification; `problem` says which check it failed. */
export class AccessTokenRejectedError extends M2mError {
  public override readonly name = 'AccessTokenRejectedError';

  constructor(
    public readonly problem: AccessTokenProblem,
    message: string,
    /** For 'missing-scope': the required scopes the token lacks. */
    public readonly missingScopes: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The user pool's signing keys (JWKS) could not be fetched, so no token can be verified for now. */
export class SigningKeysUnavailableError extends M2mError {
  public override readonly name = 'SigningKeysUnavailableError';
}

/** Why an AWS call failed. */
export type AwsRequestProblem = 'no-credentials' | 'denied' | 'not-found' | 'unavailable' | 'failed';

/** An AWS API call failed: no credentials, refused, nothing found, unreachable, or otherwise. */
export class AwsRequestError extends M2mError {
  public override readonly name = 'AwsRequestError';

  constructor(
    public readonly problem: AwsRequestProblem,
    message: string,
    /** The SDK's error name, e.g. "AccessDeniedException". */
    public readonly awsError?: string,
  ) {
    super(message);
  }
}

/** Why a step of a client-secret rotation was refused before it changed anything. */
export type RotationProblem =
  | 'rotation-in-progress'
  | 'only-one-secret'
  | 'grace-not-over'
  | 'secret-unproven'
  | 'stored-secret-unknown'
  | 'stored-secret-is-old'
  | 'credentials-document'
  | 'no-way-to-hand-over';

/**
 * A step of `m2m rotate-secret` was refused: its precondition does not hold (a rotation already in
 * progress, only one secret, the grace period not over...). Nothing was left changed.
 */
export class RotationRefusedError extends M2mError {
  public override readonly name = 'RotationRefusedError';

  constructor(
    public readonly problem: RotationProblem,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `m2m adopt` will not take over this deployment, or not yet: what it found would be replaced, changed
 * or left half done. The message names what and the way forward.
 */
export class AdoptionRefusedError extends M2mError {
  public override readonly name = 'AdoptionRefusedError';
}
