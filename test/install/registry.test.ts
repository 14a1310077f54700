/**
 * flashcut through a real npm registry: Verdaccio on 127.0.0.1 (installed by `npm ci` from
 * test/install/verdaccio into a scratch folder), the package published from a copy of the
 * repository's files (so `prepare` builds it there), then installed and run as users do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloneOutputs, convertSample, cubeIdeProject, describeInstall, npmEnvironment, readmeBlock, ROOT, run, runCubeIdeCommand, SAMPLE, scratch } from '../helpers/packaging.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function waitForRegistry(url: string, verdaccio: ChildProcess, log: () => string): Promise<void> {
  for (let tries = 0; tries < 120; tries++) {
    if (verdaccio.exitCode !== null) throw new Error(`Verdaccio exited ${verdaccio.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`Verdaccio did not answer on ${url} within 30 s:\n${log()}`);
}

/** The repository's files as git would hand them out (tracked and new, not ignored), with the clone's node_modules for the build tools. */
function copyOfRepository(to: string): void {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    try {
      copyFileSync(join(ROOT, file), join(to, file));
    } catch (error) {
      // A file deleted in the work tree but not yet in the index.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'));
}

describeInstall('flashcut from a registry (Verdaccio on 127.0.0.1)', () => {
  const work = scratch('registry');
  let verdaccio: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    const registryFolder = join(work, 'verdaccio');
    cpSync(join(ROOT, 'test/install/verdaccio'), registryFolder, { recursive: true });
    run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: registryFolder, env: npmEnvironment() });

    const url = `http://127.0.0.1:${await freePort()}/`;
    let log = '';
    verdaccio = spawn(process.execPath, ['node_modules/verdaccio/bin/verdaccio', '--config', 'config.yaml', '--listen', url], { cwd: registryFolder, stdio: ['ignore', 'pipe', 'pipe'] });
    verdaccio.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    verdaccio.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitForRegistry(url, verdaccio, () => log);

    // `npm adduser`, without its prompts.
    const user = await fetch(`${url}-/user/org.couchdb.user:ci`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: 'ci-password' }),
    });
    const { token } = (await user.json()) as { token: string };
    expect(token).toBeTruthy();
    const npmrc = join(work, 'npmrc');
    writeFileSync(npmrc, `registry=${url}\n${url.replace(/^http:/, '')}:_authToken=${token}\n`);
    // Its own cache: every package comes from this registry in this run.
    env = npmEnvironment({ npm_config_userconfig: npmrc, npm_config_registry: url, npm_config_cache: join(work, 'npm-cache') });

    const source = join(work, 'source');
    copyOfRepository(source);
    run('npm', ['publish'], { cwd: source, env });
  }, 300_000);

  afterAll(() => {
    verdaccio?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it('npm i -D flashcut adds one package, and npx flashcut converts the sample to the clone\'s bytes', async () => {
    const project = join(work, 'firmware');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'firmware', private: true }));
    run('npm', ['i', '-D', 'flashcut'], { cwd: project, env });
    expect(readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['flashcut']);
    expect((JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies: object }).devDependencies).toHaveProperty('flashcut');
    const outputs = join(work, 'npx-installed');
    mkdirSync(outputs);
    expect(convertSample('npx', ['flashcut'], outputs, { cwd: project, env })).toEqual(await cloneOutputs());
    // The library from the installed package.
    const api = run(process.execPath, ['--input-type=module', '-e', "import * as f from 'flashcut'; console.log(typeof f.convert, typeof f.parseElf)"], { cwd: project, env });
    expect(api.trim()).toBe('function function');
  });

  it(`npx flashcut@${VERSION} runs without an install`, async () => {
    const bare = join(work, 'bare');
    mkdirSync(bare);
    expect(convertSample('npx', ['-y', `flashcut@${VERSION}`], bare, { cwd: bare, env })).toEqual(await cloneOutputs());
  });

  it('npm install -g flashcut, then the README\'s CubeIDE post-build command for a global install', async () => {
    const prefix = join(work, 'global');
    run('npm', ['install', '-g', '--prefix', prefix, 'flashcut'], { env });
    const global = { ...env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
    expect(runCubeIdeCommand(cubeIdeProject(), 1, global)).toEqual((await cloneOutputs()).get('sane.hex'));
  });

  it('npm install -g . in a clone (the published copy), then the same CubeIDE command', async () => {
    const prefix = join(work, 'global-from-clone');
    run('npm', ['install', '-g', '--prefix', prefix, '.'], { cwd: join(work, 'source'), env });
    const global = { ...env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
    expect(runCubeIdeCommand(cubeIdeProject(), 1, global)).toEqual((await cloneOutputs()).get('sane.hex'));
  });

  it('the README\'s npm script with settings in package.json', async () => {
    const project = cubeIdeProject();
    mkdirSync(join(project, 'build'));
    copyFileSync(SAMPLE, join(project, 'build/app.elf'));
    writeFileSync(join(project, 'package.json'), readmeBlock('### An npm script'));
    run('npm', ['install'], { cwd: project, env });
    run('npm', ['run', 'image'], { cwd: project, env });
    const clone = await cloneOutputs();
    expect(readFileSync(join(project, 'build/app.hex'))).toEqual(clone.get('sane.hex'));
    expect(readFileSync(join(project, 'build/app.bin'))).toEqual(clone.get('sane.bin'));
  });
});
