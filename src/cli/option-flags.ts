/**
 * The command-line flag of each library option (ConvertOptions and the window sources), so that
 * a core message naming `maxGap` reads `--max-gap` on the command line. The option table can
 * feed this map; until then it is written out here.
 */
export const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  windows: '--region',
  linkerScript: '--ld',
  ldRegions: '--ld-region',
  dfuseLayout: '--dfuse-layout',
  overlap: '--overlap',
  format: '--format',
  recordLength: '--record-length',
  startAddress: '--start-address',
  eol: '--eol',
  srecHeader: '--srec-header',
  srecType: '--srec-type',
  base: '--base',
  padTo: '--pad-to',
  maxGap: '--max-gap',
  split: '--split',
  dfuAlt: '--dfu-alt',
  dfuTargetName: '--dfu-target-name',
  dfuVendor: '--dfu-vid',
  dfuProduct: '--dfu-pid',
  dfuDevice: '--dfu-device',
  uf2Family: '--uf2-family',
  fill: '--fill',
  padWindows: '--pad-window',
  fillGaps: '--fill-gaps',
  align: '--align',
  checksums: '--crc',
};
