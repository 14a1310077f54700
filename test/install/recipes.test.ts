/**
 * The README's build-system recipes, run as written: its CMake lines appended to a CubeMX-shaped
 * CMake project (with CubeMX's kind of toolchain file), its Make rules appended to a CubeMX-shaped
 * Makefile, and its CubeIDE post-build command in a Debug/ folder. Firmware built by
 * arm-none-eabi-gcc from the seed sample's sources; the images are checked against objcopy.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { decodeIntelHex } from '../helpers/ihex-decode.js';
import { BUNDLE, cloneOutputs, cubeIdeProject, describeInstall, readmeBlock, ROOT, run, runCubeIdeCommand, scratch } from '../helpers/packaging.js';
import { describeWithTools } from '../helpers/tools.js';

const seed = join(ROOT, 'samples/stm32-seed');
type Layout = 'sane' | 'broken';

/**
 * A copy of `fixture` with the seed's sources in Core/Src, its linker script as one CubeMX-style
 * file (MEMORY inline, as CubeMX writes it: GNU ld finds INCLUDEs only on its -L path), and
 * flashcut vendored as tools/flashcut.cjs.
 */
function firmwareProject(fixture: string, layout: Layout): string {
  const project = scratch(`${fixture}-${layout}`);
  cpSync(join(ROOT, 'test/install', fixture), project, { recursive: true });
  mkdirSync(join(project, 'Core/Src'), { recursive: true });
  for (const source of ['main.c', 'startup.c']) copyFileSync(join(seed, source), join(project, 'Core/Src', source));
  const memory = readFileSync(join(seed, 'memory.ld'), 'utf8');
  writeFileSync(join(project, 'STM32F401XX_FLASH.ld'), readFileSync(join(seed, `${layout}.ld`), 'utf8').replace('INCLUDE memory.ld', memory));
  mkdirSync(join(project, 'tools'));
  copyFileSync(BUNDLE, join(project, 'tools/flashcut.cjs'));
  return project;
}

/**
 * The sane layout places every RAM section NOLOAD or AT> FLASH, so objcopy of the whole ELF is the
 * flash image: the BIN must equal `objcopy -O binary --gap-fill 0xff`, the HEX decode to objcopy's.
 */
function expectObjcopyImages(elf: string, hex: string, bin: string): void {
  const folder = scratch('objcopy');
  run('arm-none-eabi-objcopy', ['-O', 'binary', '--gap-fill', '0xff', elf, join(folder, 'o.bin')]);
  run('arm-none-eabi-objcopy', ['-O', 'ihex', elf, join(folder, 'o.hex')]);
  expect(readFileSync(bin).equals(readFileSync(join(folder, 'o.bin')))).toBe(true);
  expect(decodeIntelHex(readFileSync(hex, 'utf8')).bytes).toEqual(decodeIntelHex(readFileSync(join(folder, 'o.hex'), 'utf8')).bytes);
}

/** Runs a build that must fail on flashcut's --strict (the broken layout has two findings). */
function expectStrictFailure(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/flashcut: --strict: 2 finding\(s\); nothing written/);
}

describeInstall('build-system recipes from the README', () => {
  describeWithTools('CMake: cmake/flashcut.cmake in a CubeMX-shaped project', ['cmake', 'arm-none-eabi-gcc', 'arm-none-eabi-objcopy'], () => {
    const cmakeProject = (layout: Layout) => {
      const project = firmwareProject('cubemx-cmake', layout);
      copyFileSync(join(ROOT, 'cmake/flashcut.cmake'), join(project, 'cmake/flashcut.cmake'));
      appendFileSync(join(project, 'CMakeLists.txt'), `\n${readmeBlock('### CMake')}`);
      run('cmake', ['-S', project, '-B', join(project, 'build')]);
      return project;
    };

    it('writes app.hex and app.bin after the link, with the windows of the toolchain file\'s -T script', () => {
      const build = join(cmakeProject('sane'), 'build');
      run('cmake', ['--build', build]);
      expectObjcopyImages(join(build, 'app.elf'), join(build, 'app.hex'), join(build, 'app.bin'));
    });

    it('fails the build on a finding with STRICT', () => {
      expectStrictFailure('cmake', ['--build', join(cmakeProject('broken'), 'build')]);
    });
  });

  describeWithTools('Make: the rules appended to a CubeMX-shaped Makefile', ['make', 'arm-none-eabi-gcc', 'arm-none-eabi-objcopy'], () => {
    const makeProject = (layout: Layout) => {
      const project = firmwareProject('cubemx-make', layout);
      appendFileSync(join(project, 'Makefile'), `\n${readmeBlock('### Make')}`);
      return project;
    };

    it('writes build/app.hex and build/app.bin with flashcut, not objcopy', () => {
      const project = makeProject('sane');
      run('make', ['-C', project]);
      const build = join(project, 'build');
      expectObjcopyImages(join(build, 'app.elf'), join(build, 'app.hex'), join(build, 'app.bin'));
    });

    it('fails the build on a finding', () => {
      expectStrictFailure('make', ['-C', makeProject('broken')]);
    });
  });

  it('CubeIDE post-build command with the vendored file, run in Debug/', async () => {
    expect(runCubeIdeCommand(cubeIdeProject(), 0)).toEqual((await cloneOutputs()).get('sane.hex'));
  });
});
