#!/usr/bin/env bash
# Rebuilds the committed sample ELFs with arm-none-eabi-gcc.
# The ELFs are committed so that converting a sample needs no toolchain; rerun this
# after changing a sample's sources and commit the result together with the goldens
# (npm run goldens).
set -euo pipefail
samples="$(cd "$(dirname "$0")/../samples" && pwd)"

CC=${CC:-arm-none-eabi-gcc}
command -v "$CC" >/dev/null || { echo "build-samples: $CC not found (apt-get install gcc-arm-none-eabi)" >&2; exit 1; }

# build DIR ELF LINKER-SCRIPT SOURCES...: runs in DIR; -fdebug-prefix-map keeps this
# machine's paths out of the committed debug info.
build() {
  local dir=$1 elf=$2 script=$3
  shift 3
  (cd "$samples/$dir" &&
    "$CC" -mcpu=cortex-m4 -mthumb -Os -g -nostdlib -nostartfiles -ffreestanding -Wall -Wextra \
      "-fdebug-prefix-map=$samples/$dir=." -Wl,--no-warn-rwx-segments -T "$script" -o "$elf" "$@")
  echo "built samples/$dir/$elf"
}

for layout in sane broken; do
  build stm32-seed "$layout.elf" "$layout.ld" startup.c main.c
done
# Booted in QEMU by test/qemu-boot.test.ts.
build qemu-netduinoplus2 boot.elf boot.ld boot.c
# Four far-apart flash windows (STM32H7B3-like), for the memory map's tests and README picture.
build h7-four-windows four.elf four.ld ../stm32-seed/startup.c main.c
