/** `m2m drift`: does a deployed stack still match its configuration? For the nightly CI check. */
import * as fs from 'node:fs';
import { checkDrift, describeDrift, driftMarkdown } from '../drift';
import type { DriftOptions } from '../cli';
import type { CommandContext } from './command-context';

/** Prints the report; returns how many resources drifted. */
export async function runDriftCommand(context: CommandContext<DriftOptions>): Promise<number> {
  const { stack, projectDir, summaryFile, lock } = context.options;
  const { stackName, drifted } = await checkDrift(stack, { projectDir, lock });
  context.print(describeDrift(stackName, drifted));
  if (summaryFile) fs.appendFileSync(summaryFile, driftMarkdown(stackName, drifted));
  return drifted.length;
}
