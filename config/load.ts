/** Reads the settings from cdktf.json's context and reports the first bad value in one line. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { resolveSettings, type Settings, settingsSchema } from './settings';

/** A setting with a bad value; the message is one line naming the key, the value and the rule. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}

/**
 * The context the app runs with: what the cdktf CLI passes in CDKTF_CONTEXT_JSON, or, when the app
 * runs on its own, the `context` of the cdktf.json in `projectDir`.
 */
export function readContext(projectDir = process.cwd()): Record<string, unknown> {
  const fromCli = process.env.CDKTF_CONTEXT_JSON;
  if (fromCli) return JSON.parse(fromCli) as Record<string, unknown>;
  const file = path.join(projectDir, 'cdktf.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return (JSON.parse(text) as { context?: Record<string, unknown> }).context ?? {};
  } catch (error) {
    throw new ConfigError(`cdktf.json is not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates the context and fills in defaults. Throws ConfigError on the first bad value. */
export function parseSettings(context: unknown): Settings {
  const result = settingsSchema.safeParse(context ?? {});
  if (!result.success) throw new ConfigError(describeIssue(result.error.issues[0], context));
  return resolveSettings(result.data);
}

function describeIssue(issue: z.core.$ZodIssue, context: unknown): string {
  const key = `cdktf.json context${issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('')}`;
  if (issue.code === 'unrecognized_keys') {
    return `${key} has an unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; check the spelling against the README's configuration keys`;
  }
  const value = valueAt(context, issue.path);
  if (value === undefined) return `${key} is required`;
  // Zod's own type messages ("Invalid input: expected string, received number") become our rule style.
  const rule =
    issue.message.startsWith('Invalid input') && issue.code === 'invalid_type'
      ? `must be of type ${issue.expected}`
      : issue.message;
  return `${key} = ${preview(value)} is invalid: ${rule}`;
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  return keys.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined,
    root,
  );
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
