import { SHF_WRITE } from '../read/elf/constants.js';
import type { Section } from '../read/elf/types.js';
import type { Selection } from '../select/select.js';
import { count, hex32, rangeText } from '../numbers.js';
import { CORTEX_M_CODE_REGION, WHOLE_ADDRESS_SPACE, type FlashWindow } from '../windows/window.js';
import { namesText, type CheckContext } from './context.js';
import { sectionLabel, sectionLoadAddress } from '../read/elf/model.js';
import { CODE_REGION_AREAS, CORTEX_M_SRAM_REGION, familyRamAreas, regionAt } from './regions.js';
import type { Finding, RamRegion } from './types.js';

/** Whether the windows are the one default window (given no windows, flashcut guesses). */
function isDefault(windows: readonly FlashWindow[], window: FlashWindow): boolean {
  return windows.length === 1 && windows[0]?.source === window.source;
}

const GIVE_WINDOWS = 'give the flash windows: options.linkerScript with the linker script (it knows which regions are RAM), or options.windows per flash area (e.g. options.windows FLASH=0x08000000:512K)';

/**
 * Under the default Cortex-M window (the whole Code region), kept bytes in more than one of the
 * Code region's areas: each is flash on some parts and RAM on others (CCM at 0x10000000 on an
 * STM32F4, UICR there on an nRF52), so the guess is likely too wide for one of them.
 */
export function defaultWindowSpansAreas(ctx: CheckContext): Finding[] {
  if (!isDefault(ctx.selection.windows, CORTEX_M_CODE_REGION)) return [];
  const used = CODE_REGION_AREAS.map((area) => ({ area, bytes: ctx.selection.image.bytesIn(area.start, area.end) })).filter((u) => u.bytes > 0);
  if (used.length < 2) return [];
  const areas = used.map((u) => `${u.area.name} (${count(u.bytes)} bytes; ${u.area.source})`).join(', ');
  return [
    {
      code: 'default-window-spans-areas',
      severity: 'warning',
      summary: `the default window keeps bytes in ${used.length} areas that are flash on some parts and RAM on others: ${used.map((u) => u.area.name).join(', ')}`,
      message:
        `no flash windows were given, and the default one (the Cortex-M Code region ${rangeText(CORTEX_M_CODE_REGION.start, CORTEX_M_CODE_REGION.end)}) ` +
        `keeps bytes in ${used.length} of its areas: ${areas}. On most parts one of them is not flash, and its bytes are then RAM contents ` +
        'that a programmer refuses or that never reach the part.',
      fix: GIVE_WINDOWS,
      address: used[1]?.area.start as number,
    },
  ];
}

/**
 * Under the default window, kept sections that load where they run and look like RAM: in a RAM
 * area of the part family the file shows (an STM32's CCM, placed `> CCMRAM` without `AT> FLASH`),
 * a warning; only writable, an info line (Zephyr marks some flash sections writable).
 */
export function mayBeRam(ctx: CheckContext): Finding[] {
  if (!isDefault(ctx.selection.windows, CORTEX_M_CODE_REGION)) return [];
  const family = familyRamAreas(ctx.selection.image);
  const inArea = new Map<RamRegion, { segment: number; section: Section }[]>();
  const writable: { segment: number; section: Section }[] = [];
  for (const segment of ctx.elf.loadSegments) {
    for (const section of segment.sections) {
      const at = sectionLoadAddress(segment, section);
      if (!section.hasContents || at !== section.vma || ctx.selection.image.bytesIn(at, at + section.size) === 0) continue;
      const area = regionAt(family, at);
      if (area) {
        const list = inArea.get(area) ?? [];
        list.push({ segment: segment.index, section });
        inArea.set(area, list);
      }
      else if (section.flags % 2 >= SHF_WRITE) writable.push({ segment: segment.index, section });
    }
  }
  const found: Finding[] = [...inArea].map(([area, list]) => {
    const names = list.map((x) => sectionLabel(x.section));
    const first = list[0]?.section as Section;
    const bytes = list.reduce((sum, x) => sum + x.section.size, 0);
    return {
      code: 'may-be-ram',
      severity: 'warning',
      summary: `${namesText(names)} (${count(bytes)} bytes) load where they run, at ${hex32(first.vma)}: the ${area.name} RAM on this part family`,
      message:
        `${namesText(names)} (${count(bytes)} bytes, segment ${list[0]?.segment}) run at ${hex32(first.vma)} and load there too, inside the default window; ` +
        `${rangeText(area.start, area.end)} is RAM on ${area.source}, so these bytes are probably RAM contents that nothing in flash holds ` +
        "for the start-up code to copy (a section placed '> CCMRAM' without 'AT> FLASH').",
      fix: `place ${namesText(names)} with '>${area.name}RAM AT> FLASH' and copy it at start-up; ${GIVE_WINDOWS}`,
      segment: list[0]?.segment as number,
      sections: names,
      address: first.vma,
    } satisfies Finding;
  });
  if (writable.length > 0) {
    const names = writable.map((x) => sectionLabel(x.section));
    found.push({
      code: 'may-be-ram',
      severity: 'info',
      summary: `writable sections load where they run, inside the default window: ${namesText(names)}`,
      message:
        `${namesText(names)} are writable (W flag) and load where they run, inside the default window, so they may be RAM contents; ` +
        'some toolchains (Zephyr) mark flash sections writable, and then all is well.',
      fix: `if any of them is RAM, place it with '>RAM AT> FLASH'; ${GIVE_WINDOWS}`,
      sections: names,
      address: writable[0]?.section.vma as number,
    });
  }
  return found;
}

/**
 * A HEX, S-record or BIN input under its default window (the whole address space) with bytes in
 * the Cortex-M SRAM region: objcopy writes a RAM segment into the HEX of an ELF, and a flash
 * image should hold none.
 */
export function imageBytesInRam(selection: Selection): Finding[] {
  if (!isDefault(selection.windows, WHOLE_ADDRESS_SPACE)) return [];
  const { start, end } = CORTEX_M_SRAM_REGION;
  const inRam = selection.image.slice(start, end);
  if (inRam.size === 0) return [];
  const runs = inRam.runs();
  const first = runs[0];
  const last = runs[runs.length - 1];
  const origins = [...new Set(inRam.chunks.map((c) => c.origin))];
  const range = first && last ? rangeText(first.start, last.end) : '';
  return [
    {
      code: 'image-bytes-in-ram',
      severity: 'warning',
      summary: `${count(inRam.size)} bytes at ${range}, in the Cortex-M SRAM region, are kept by the default window`,
      message:
        `${origins.slice(0, 3).join(', ')}${origins.length > 3 ? ` and ${origins.length - 3} more` : ''} put ${count(inRam.size)} bytes at ${range}, ` +
        `in the Cortex-M SRAM region (${rangeText(start, end)}); with no windows given, the whole address space is kept, so they reach the output. ` +
        "On a Cortex-M they are RAM contents (objcopy writes an ELF's RAM segments into its HEX), which a flash programmer refuses.",
      fix: 'give the flash windows (options.windows FLASH=0x08000000:512K, or options.linkerScript with the linker script) so that only flash is kept, or convert the ELF instead',
      address: first?.start as number,
    },
  ];
}
