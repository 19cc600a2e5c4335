/** `m2m drift`: does a deployed stack still match its configuration? For the nightly CI check. */
import * as fs from 'node:fs';
import { checkDrift, describeDrift, driftMarkdown } from '../drift';
import type { CommandContext } from './command-context';

export interface DriftCommandOptions {
  stack: string;
  projectDir: string;
  /** Where to append a Markdown report too: GitHub's job summary. */
  summaryFile?: string;
  lock: boolean;
}

/** Prints the report; returns how many resources drifted. */
export async function runDriftCommand(context: CommandContext<DriftCommandOptions>): Promise<number> {
  const { stack, projectDir, summaryFile, lock } = context.options;
  const { stackName, drifted } = await checkDrift(stack, { projectDir, lock });
  context.print(describeDrift(stackName, drifted));
  if (summaryFile) fs.appendFileSync(summaryFile, driftMarkdown(stackName, drifted));
  return drifted.length;
}
