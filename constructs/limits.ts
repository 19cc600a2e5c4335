/**
 * The AWS limits the constructs' props must fit, each written once; rules.ts, the constructs and
 * config's settings schema derive their checks from them. Sources: the Amazon Cognito user pools API
 * reference (length constraints and array sizes of CreateUserPool, CreateUserPoolClient,
 * CreateResourceServer and CreateUserPoolDomain), "Quotas in Amazon Cognito", Secrets Manager's
 * CreateSecret, S3's bucket naming rules, the AWS tagging rules, and GitHub's account and repository
 * names. Lengths are in characters (Unicode code points).
 */

/** CreateUserPool PoolName. */
export const USER_POOL_NAME_MAX_LENGTH = 128;
/** CreateUserPoolClient ClientName. */
export const APP_CLIENT_NAME_MAX_LENGTH = 128;
/** A user pool's ID, "<region>_<letters and digits>" (DescribeUserPool UserPoolId). */
export const USER_POOL_ID_MAX_LENGTH = 55;
/** An app client's ID (DescribeUserPoolClient ClientId). */
export const APP_CLIENT_ID_MAX_LENGTH = 128;
/** CreateUserPoolDomain Domain (a DNS label). */
export const DOMAIN_MAX_LENGTH = 63;
/** CreateResourceServer Identifier. */
export const RESOURCE_SERVER_IDENTIFIER_MAX_LENGTH = 256;
/** CreateResourceServer Name. */
export const RESOURCE_SERVER_NAME_MAX_LENGTH = 256;
/** ResourceServerScopeType ScopeName. */
export const SCOPE_NAME_MAX_LENGTH = 256;
/** ResourceServerScopeType ScopeDescription. */
export const SCOPE_DESCRIPTION_MAX_LENGTH = 256;
/** CreateResourceServer Scopes: the most scopes one resource server has. */
export const SCOPES_PER_RESOURCE_SERVER = 100;
/** CreateUserPoolClient AllowedOAuthScopes: the most scopes one app client may ask for. */
export const SCOPES_PER_APP_CLIENT = 50;
/** Each AllowedOAuthScopes entry, "<resource server identifier>/<scope name>". */
export const SCOPE_IDENTIFIER_MAX_LENGTH = 256;
/** CreateUserPoolClient AccessTokenValidity, in minutes. */
export const ACCESS_TOKEN_VALIDITY_MINUTES = { min: 5, max: 1440 } as const;
/**
 * TokenValidityUnits: the units Cognito takes a token lifetime in, each in seconds (the constructs
 * count an access token's lifetime in minutes whatever unit it is written to Cognito in).
 */
export const TOKEN_VALIDITY_UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;
export type TokenValidityUnit = keyof typeof TOKEN_VALIDITY_UNIT_SECONDS;
// Object.keys is typed string[]; these keys are exactly the units.
export const TOKEN_VALIDITY_UNITS = Object.keys(TOKEN_VALIDITY_UNIT_SECONDS) as TokenValidityUnit[];
/** An app client secret's ID, "<client id>--<creation epoch>" (AddUserPoolClientSecret ClientSecretId). */
export const CLIENT_SECRET_ID_MAX_LENGTH = 128;
/** Cognito's default quota of app clients per user pool (adjustable). */
export const APP_CLIENTS_PER_USER_POOL_QUOTA = 1000;
/** Secrets Manager CreateSecret Name. */
export const SECRET_NAME_MAX_LENGTH = 512;
/** A tag value on any AWS resource. */
export const TAG_VALUE_MAX_LENGTH = 256;
/** S3 bucket names. */
export const S3_BUCKET_NAME_LENGTH = { min: 3, max: 63 } as const;
/** A GitHub user or organization name. */
export const GITHUB_OWNER_MAX_LENGTH = 39;
/** A GitHub repository name. */
export const GITHUB_REPOSITORY_NAME_MAX_LENGTH = 100;
