import { Token } from 'cdktf';
import { brokenRules, type Rule } from '../config/rules';

/**
 * Throws when a literal prop breaks a rule. Terraform references are left to the variable's own
 * validation block, which checks them at plan time.
 */
export function validateLiteral(prop: string, value: string | undefined, rules: readonly Rule[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  const broken = brokenRules(value, rules);
  if (broken.length > 0) {
    throw new Error(
      `${prop} ${JSON.stringify(value)} is invalid: ${broken.map((rule) => rule.description).join('; ')}`,
    );
  }
}
