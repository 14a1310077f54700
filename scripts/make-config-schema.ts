// Writes schema/config.schema.json from the option table (npm run schema); test/config-schema.test.ts checks it is current.
import { writeFileSync } from 'node:fs';
import { configSchema } from '../src/config/config-schema.js';

writeFileSync(new URL('../schema/config.schema.json', import.meta.url), JSON.stringify(configSchema(), null, 2) + '\n');
