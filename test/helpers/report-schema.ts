import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { expect } from 'vitest';

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object;
/** The schema check itself, for documents that must fail it. */
export const validateReport = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

/** A `--json` document, parsed and checked against schema/report.schema.json. */
export function parseReport(stdout: string): Record<string, unknown> {
  const document = JSON.parse(stdout) as Record<string, unknown>;
  const valid = validateReport(document);
  expect(validateReport.errors ?? [], JSON.stringify(validateReport.errors)).toEqual([]);
  expect(valid).toBe(true);
  return document;
}
