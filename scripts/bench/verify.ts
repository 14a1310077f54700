import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Whether two output files hold the same image, judged by objcopy alone: BIN files must be
 * identical; Intel HEX and S-record files are decoded by objcopy (`-I ihex`, `-I srec`) and
 * re-encoded as S-records, so record lengths and extended-address records may differ but every
 * byte, its address and the start address must match. Returns a reason when they differ.
 */
export function sameImage(format: 'hex' | 'bin' | 'srec', ours: string, theirs: string, objcopy: string): string | undefined {
  if (format === 'bin') return digest(readFileSync(ours)) === digest(readFileSync(theirs)) ? undefined : 'BIN files differ';
  const inputFormat = format === 'hex' ? 'ihex' : 'srec';
  // One path for both decodings: objcopy puts the output's name into the S0 header record.
  const decoded = join(dirname(ours), 'decoded.srec');
  const canonical = (file: string) => {
    execFileSync(objcopy, ['-I', inputFormat, '-O', 'srec', file, decoded]);
    const text = readFileSync(decoded);
    rmSync(decoded);
    return digest(text);
  };
  return canonical(ours) === canonical(theirs) ? undefined : `${format === 'hex' ? 'HEX' : 'S-record'} files decode to different images`;
}

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
