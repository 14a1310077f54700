// Injected by esbuild into the CommonJS bundle of the CLI (see the build script): gives
// `import.meta.url` the bundle's own URL, so that files beside the package resolve as in ESM.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
