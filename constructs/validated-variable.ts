import { TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { Rule } from './rules';

export interface ValidatedVariableProps {
  readonly description: string;
  readonly default: string;
  /** Each becomes a `validation` block, checked by Terraform at plan time. */
  readonly rules: readonly Rule[];
}

/** A string Terraform variable, named `name`, that rejects values breaking any of the rules. */
export class ValidatedVariable extends TerraformVariable {
  constructor(scope: Construct, name: string, props: ValidatedVariableProps) {
    super(scope, name, { type: 'string', description: props.description, default: props.default });
    this.overrideLogicalId(name);
    for (const rule of props.rules) {
      this.addValidation({
        condition: `\${${rule.condition(`var.${name}`)}}`,
        errorMessage: `Invalid ${name}: ${rule.description}.`,
      });
    }
  }
}
