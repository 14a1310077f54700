/**
 * Which MEMORY regions of a linker script are flash windows: by default those a linker may
 * not put writable sections in (no `w` attribute), or the ones the user names.
 */

import { UsageError } from '../errors.js';
import type { FlashWindow } from './window.js';
import { ADDRESS_SPACE_END } from '../numbers.js';
import type { LinkerScript, LinkerScriptRegion } from './ld-script.js';

/** The windows taken from a script, and a line for each region left out, saying why. */
export interface LdWindows {
  readonly windows: readonly FlashWindow[];
  readonly skipped: readonly string[];
  /** The writable (`w`) regions that fit the address space: RAM, for the Cortex-M checks. */
  readonly ram: readonly FlashWindow[];
}

/**
 * Whether a region admits writable sections: `w` among its attributes, not after a `!`
 * (ld's lang_set_flags: `!` inverts the letters that follow it).
 */
export function isWritableRegion(region: LinkerScriptRegion): boolean {
  let inverted = false;
  for (const letter of region.attributes ?? '') {
    if (letter === '!') inverted = !inverted;
    else if (letter.toLowerCase() === 'w' && !inverted) return true;
  }
  return false;
}

/**
 * The flash windows of `script`. With `names`, exactly those regions (or REGION_ALIAS
 * names), in that order; otherwise every non-empty region with attributes and without `w`.
 * `label` (`--ld app.ld`) starts each window's source. Throws UsageError for an unknown
 * name, a region that does not fit the 32-bit address space, or when no region is taken.
 */
export function flashWindowsOf(script: LinkerScript, label: string, names?: readonly string[]): LdWindows {
  const describe = (r: LinkerScriptRegion) => (r.attributes === undefined ? r.name : `${r.name} (${r.attributes})`);
  const ram = script.regions
    .filter((r) => isWritableRegion(r) && r.length > 0n && r.origin + r.length <= BigInt(ADDRESS_SPACE_END))
    .map((r) => toWindow(r, `${label}: ${describe(r)}, writable`));
  const all = script.regions.map((r) => r.name).join(', ') || 'none';
  if (names && names.length > 0) {
    const chosen = names.map((name) => {
      const region = script.regions.find((r) => r.name === (script.aliases.get(name) ?? name));
      if (!region) throw new UsageError(`options.ldRegions ${name}: ${label} has no such region (its regions: ${all})`, { option: 'ldRegions' });
      return toWindow(region, `${label}: ${describe(region)}, chosen by name`);
    });
    const skipped = script.regions.filter((r) => !chosen.some((w) => w.name === r.name)).map((r) => `${describe(r)}: not among the regions chosen by name`);
    return { windows: chosen, skipped, ram };
  }
  const windows: FlashWindow[] = [];
  const skipped: string[] = [];
  for (const region of script.regions) {
    if (region.attributes === undefined) skipped.push(`${region.name}: no attributes, so it may be RAM (choose it by name to take it)`);
    else if (isWritableRegion(region)) skipped.push(`${describe(region)}: writable (w attribute)`);
    else if (region.length === 0n) skipped.push(`${describe(region)}: empty`);
    else windows.push(toWindow(region, `${label}: ${describe(region)}, no w attribute`));
  }
  if (windows.length === 0) {
    throw new UsageError(`${label}: no flash region to take (${skipped.join('; ') || 'no regions'}); choose the flash regions by name with options.ldRegions`, { option: 'ldRegions' });
  }
  return { windows, skipped, ram };
}

function toWindow(region: LinkerScriptRegion, source: string): FlashWindow {
  const end = region.origin + region.length;
  if (end > BigInt(ADDRESS_SPACE_END) || region.length === 0n) {
    const extent = region.length === 0n ? 'is empty' : `(ORIGIN 0x${region.origin.toString(16).toUpperCase()}, LENGTH 0x${region.length.toString(16).toUpperCase()}) does not fit the 32-bit address space`;
    throw new UsageError(`region ${region.name} at ${region.definedAt} ${extent}`);
  }
  return { name: region.name, start: Number(region.origin), end: Number(end), source };
}
