// Builds the browser page: one HTML file with the core bundled in (esbuild), its CSS and
// the Content-Security-Policy that allows only that inline script (by its SHA-256) and no
// connection. Written to dist/web/flashcut.html; works from file:// and served statically.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const source = (path) => readFileSync(new URL(path, root), 'utf8');
const bundle = await build({
  entryPoints: [new URL('src/web/page.ts', root).pathname],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [nodeBuiltinsAbsent()],
});
// '</script' inside the bundle would end the element early.
const script = bundle.outputFiles[0].text.replace(/<\/script/gi, '<\\/script').trim();
const hash = `sha256-${createHash('sha256').update(script).digest('base64')}`;
const version = JSON.parse(source('package.json')).version;
const html = source('src/web/page.html')
  .replace('{{CSS}}', () => source('src/web/page.css') + extractReportCss())
  .replace('{{SCRIPT_HASH}}', hash)
  .replace('{{VERSION}}', version)
  .replace('{{SCRIPT}}', () => script);
mkdirSync(new URL('dist/web/', root), { recursive: true });
writeFileSync(new URL('dist/web/flashcut.html', root), html);

/** The report's own styles (REPORT_CSS in src/report/html-report.ts), so the page shows it as the report file does. */
function extractReportCss() {
  const match = /export const REPORT_CSS = `([\s\S]*?)`;/.exec(source('src/report/html-report.ts'));
  if (!match) throw new Error('build-web: REPORT_CSS not found in src/report/html-report.ts');
  return match[1];
}

/**
 * The page uses the command line's pure modules (summary, JSON report, error line), some of
 * which sit beside Node-only code (a terminal check) in the same file. Node's built-ins become
 * empty modules: the page never calls that code, and the browser tests would fail if it did.
 */
function nodeBuiltinsAbsent() {
  return {
    name: 'node-builtins-absent',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-builtin' }));
      build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
}
