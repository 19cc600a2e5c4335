import { Fn, Op, Token } from 'cdktf';

/**
 * `production` when the environment is "prod", `otherwise` elsewhere: decided now for a literal
 * environment, or as a Terraform conditional when it is a reference (a variable, say).
 */
export function inProduction<T extends string | number>(
  environmentName: string,
  production: T,
  otherwise: T,
): T {
  if (!Token.isUnresolved(environmentName)) return environmentName === 'prod' ? production : otherwise;
  const chosen = Fn.conditional(Op.eq(environmentName, 'prod'), production, otherwise) as unknown;
  return (typeof production === 'number' ? Token.asNumber(chosen) : Token.asString(chosen)) as T;
}
