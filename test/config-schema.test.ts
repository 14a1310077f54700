import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/config-schema.js';
import { CONFIG_OPTIONS, validateConfig } from '../src/config/project-config.js';

const file = new URL('../schema/config.schema.json', import.meta.url);

describe('schema/config.schema.json', () => {
  it('is the one the option table makes (npm run schema writes it)', () => {
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(configSchema(), null, 2) + '\n');
  });

  // ajv, which nobody here wrote, and validateConfig must agree on every case.
  const validate = new Ajv({ strict: true, strictTypes: false, strictRequired: false }).compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  it.each([
    [{ $schema: './node_modules/flashcut/schema/config.schema.json', ld: 'app.ld', output: 'build/{name}.hex' }, true],
    [{ windows: 'FLASH=0x08000000:64K', fill: 255, align: 8, recordLength: 32, eol: 'lf', strict: true, fillGaps: false, split: false }, true],
    [{ windows: ['FLASH=0x08000000:64K'], crc: ['crc32@0x0800FFFC'], padWindows: 'all', uf2Family: 'STM32F4', startAddress: 'none', overlap: 'keep' }, true],
    [{ dfuseLayout: '@Internal Flash /0x08000000/04*016Kg', format: 'dfu', output: ['a.dfu', 'a.hex'] }, true],
    [{ fil: 255 }, false],
    [{ strict: 'yes' }, false],
    [{ ld: '' }, false],
    [{ output: [] }, false],
    [{ eol: 'cr' }, false],
    [{ windows: ['FLASH=0x08000000:64K'], ld: 'app.ld' }, false],
    [{ ldRegions: ['FLASH'] }, false],
    [{ crc: 42 }, false],
    [{ eol: 'CRLF', overlap: 'Replace', format: 'HEX' }, true],
    [{ eol: 'crlf ' }, false],
  ])('%j: valid %s', (config, valid) => {
    expect(validate(config)).toBe(valid);
    const ours = () => validateConfig(config, 'flashcut.config.json');
    if (valid) expect(ours).not.toThrow();
    else expect(ours).toThrow(expect.objectContaining({ file: 'flashcut.config.json', message: expect.stringMatching(/^"/) }));
  });

  // flashcut reads choices in any case (--eol CRLF), so an editor checking with the schema must not mark them.
  const choiceCases = CONFIG_OPTIONS.flatMap((o) => ('choices' in o ? o.choices.flatMap((c: string) => [c.toUpperCase(), c[0]!.toUpperCase() + c.slice(1)].map((v) => [o.configKey, v] as const)) : []));
  it.each(choiceCases)('%s %s: valid in the schema and in flashcut alike', (key, value) => {
    expect(validate({ [key]: value })).toBe(true);
    expect(() => validateConfig({ [key]: value }, 'flashcut.config.json')).not.toThrow();
  });
});

describe('an unknown configuration key', () => {
  it.each([
    ['regions', 'windows'],
    ['region', 'windows'],
    ['fil', 'fill'],
    ['record-length', 'recordLength'],
    ['ld-regions', 'ldRegions'],
  ])('%s: did you mean "%s"? (keys are also compared with their flags)', (key, meant) => {
    expect(() => validateConfig({ [key]: 'x' }, 'flashcut.config.json')).toThrow(`"${key}": no such setting (did you mean "${meant}"?), found "x"`);
  });
});
