import { formatForPath } from '../write/registry.js';

/** `out/app.bin` with window FLASH becomes `out/app.FLASH.bin`. */
export function splitPath(target: string, windowName: string): string {
  // Only a format's own extension is kept last: `out v1.2` becomes `out v1.2.FLASH`.
  const ext = formatForPath(target) ? (/\.[^./\\]*$/.exec(target)?.[0] ?? '') : '';
  return `${target.slice(0, target.length - ext.length)}.${windowName}${ext}`;
}
