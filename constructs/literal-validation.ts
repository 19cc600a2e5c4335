import { Token } from 'cdktf';
import { firstBrokenRule, type Rule } from '../config/rules';

/**
 * Throws when a literal prop breaks a rule. Terraform references are left to the variable's own
 * validation block, which checks them at plan time.
 */
export function validateLiteral(prop: string, value: string | undefined, rules: readonly Rule[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const broken = firstBrokenRule(value, rules);
  if (broken) throw new Error(`${prop} ${JSON.stringify(value)} is invalid: ${broken.description}`);
}
