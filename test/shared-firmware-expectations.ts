/**
 * What the shared-firmware tests expect of each real file and window set (`file [set]`), written
 * by hand from reading each file (readelf, objdump) and checked there; see test/shared-firmware.test.ts.
 */

/** Files flashcut refuses, with the message it gives and why that is right. */
export const REFUSED: Record<string, { readonly message: RegExp; readonly why: string }> = {
  'eliben__pyelftools__test__testfiles_for_dwarfdump__dwarf_v4_ticcs.elf [all]': {
    message: /^segment 1 \(\.TI\.ramfunc\) and segment 2 \(\.cinit\) put different bytes at 0x00000128/,
    why:
      'TI C2000 is word-addressed (one address per 16-bit word), so .TI.ramfunc (4 words at 0x123) and .cinit (at 0x128) ' +
      'overlap as byte addresses; objcopy writes both, the later record over the earlier, an image of no use',
  },
  'eliben__pyelftools__test__testfiles_for_unittests__dwarf_phantombytes.elf [all]': {
    message: /^segment 0 \(\.reset .* and 195 more\) and segment 1 \(.* and 1 more\) put different bytes at 0x00000200/,
    why:
      'dsPIC program memory is word-addressed (24-bit instructions, two addresses each, a phantom byte each), so segments ' +
      'overlap as byte addresses; objcopy writes overlapping records anyway',
  },
  'eliben__pyelftools__test__testfiles_for_readelf__reloc_armsf_gcc.o.elf [default]': {
    message: /^nothing to write: no loadable segment has file bytes/,
    why: 'an ET_EXEC without program headers (a relocatable object relabelled): objdump lists no CONTENTS, ALLOC, LOAD section either',
  },
  'eliben__pyelftools__test__testfiles_for_unittests__corrupt_sh.elf [all]': {
    message: /^e_shoff 0xFFFF points past the end of the 4,504-byte file$/,
    why: 'the section header table is deliberately corrupt (pyelftools); objdump -h fails on it too',
  },
};

/** Where GNU objcopy and flashcut differ and llvm-objcopy (placing sections by segment) is right, and why. */
export const KNOWN_DISAGREEMENTS: Record<string, string> = {};

/**
 * Inspect's findings (`severity code`, in inspect's order) per file and window set; a file and set
 * not listed has none. A false alarm or a lost finding fails the test. None is an error: these are
 * working firmware files.
 */
export const EXPECTED_FINDINGS: Record<string, readonly string[]> = {
  // .trap .rwtext load into IRAM at 0x40380000, outside DROM/IROM
  'probe-rs__probe-rs__probe-rs-debug__tests__debug-unwind-tests__esp32c3_full_unwind.elf [nv]': ['warning load-outside-windows'],
  // .vectors and .rwtext load into IRAM at 0x40378000
  'probe-rs__probe-rs__probe-rs-debug__tests__debug-unwind-tests__esp32s3_coredump_elf.elf [nv]': ['warning load-outside-windows', 'warning load-outside-windows'],
  // ld swept the ELF headers in front of DROM (one finding for them); .dram0.data, .iram0.vectors, .iram0.text load into RAM
  'espressif__esptool__test__elf2image__esp32-app-template.elf [nv]': ['warning headers-in-segment', 'warning load-outside-windows', 'warning load-outside-windows', 'warning load-outside-windows'],
  // the swept ELF headers at 0x3F3FFF20
  'espressif__esptool__test__elf2image__esp32-app-template.elf [all]': ['warning headers-in-segment'],
  // the swept ELF headers at 0x3FFBFF4C
  'espressif__esptool__test__elf2image__esp32-bootloader.elf [all]': ['warning headers-in-segment'],
  // a second-stage boot loader runs from RAM: nothing in DROM/IROM
  'espressif__esptool__test__elf2image__esp32-bootloader.elf [nv]': ['warning headers-in-segment', 'warning load-outside-windows', 'warning load-outside-windows', 'warning load-outside-windows'],
  // the ELF headers in segment 0
  'espressif__esptool__test__elf2image__esp32-too-many-sections.elf [all]': ['warning headers-in-segment'],
  // .data .rodata in DRAM, .text in IRAM at 0x40100000
  'espressif__esptool__test__elf2image__esp8266-nonossdkv12-example.elf [nv]': ['warning load-outside-windows', 'warning load-outside-windows'],
  // .data .rodata in DRAM, .text in IRAM at 0x40100000
  'espressif__esptool__test__elf2image__esp8266-openrtos-blink-v2.elf [nv]': ['warning load-outside-windows', 'warning load-outside-windows'],
  // word-addressed: see REFUSED
  'eliben__pyelftools__test__testfiles_for_dwarfdump__dwarf_v4_ticcs.elf [all]': ['refused layout'],
  // a Linux executable: the headers in its text segment
  'eliben__pyelftools__test__testfiles_for_readelf__exe_simple32.elf [all]': ['warning headers-in-segment'],
  // an ARM Linux executable (ARMv4T, no Cortex-M checks): .data and friends are writable
  'eliben__pyelftools__test__testfiles_for_unittests__simple_gcc.elf.arm [default]': ['info may-be-ram'],
  // the headers in segment 0
  'eliben__pyelftools__test__testfiles_for_readelf__simple_armeb_gcc.o.elf [default]': ['warning headers-in-segment'],
  // the headers in segment 0
  'eliben__pyelftools__test__testfiles_for_readelf__simple_armeb_gcc.o.elf [segments]': ['warning headers-in-segment'],
  // a Linux executable: headers in the text segment; writable .data
  'eliben__pyelftools__test__testfiles_for_readelf__simple_armhf_gcc.o.elf [default]': ['warning headers-in-segment', 'info may-be-ram'],
  // a Linux executable: headers in the text segment
  'eliben__pyelftools__test__testfiles_for_readelf__simple_armhf_gcc.o.elf [segments]': ['warning headers-in-segment'],
  // the headers in segment 1
  'eliben__pyelftools__test__testfiles_for_unittests__arm_reloc_relocated.elf [default]': ['warning headers-in-segment'],
  // the headers in segment 1
  'eliben__pyelftools__test__testfiles_for_unittests__arm_reloc_relocated.elf [segments]': ['warning headers-in-segment'],
  // armlink, three applications: RW regions share RAM (overlays), ER_USER_MBX_AREA loaded twice alike; bytes at 0 and 0x10000000; writable .nvm.* in flash
  'eliben__pyelftools__test__testfiles_for_unittests__arm_with_form_indirect.elf [default]': ['warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning default-window-spans-areas', 'info may-be-ram'],
  // armlink overlays and the identical duplicate
  'eliben__pyelftools__test__testfiles_for_unittests__arm_with_form_indirect.elf [segments]': ['warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap', 'warning segment-overlap'],
  // see REFUSED
  'eliben__pyelftools__test__testfiles_for_unittests__corrupt_sh.elf [all]': ['refused format'],
  // word-addressed: see REFUSED
  'eliben__pyelftools__test__testfiles_for_unittests__dwarf_phantombytes.elf [all]': ['refused layout'],
  // the headers in the text segment
  'eliben__pyelftools__test__testfiles_for_unittests__exe_solaris32_cc.sparc.elf [all]': ['warning headers-in-segment'],
  // the headers in the text segment
  'eliben__pyelftools__test__testfiles_for_unittests__simple_mipsel.elf [all]': ['warning headers-in-segment'],
  // Zephyr marks rom_start, sw_isr_table and zephyr_dbg_info writable
  '9enki__nrf52dk_blinky__build__zephyr__zephyr.elf [default]': ['info may-be-ram'],
  // a pre-link file: .intList at 0xFFFFF800 (stripped from zephyr.elf); writable Zephyr sections
  '9enki__nrf52dk_blinky__build__zephyr__zephyr_pre0.elf [default]': ['warning load-outside-windows', 'info may-be-ram'],
};
