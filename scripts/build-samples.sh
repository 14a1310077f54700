#!/usr/bin/env bash
# Rebuilds the committed sample ELFs with arm-none-eabi-gcc.
# The ELFs are committed so that converting a sample needs no toolchain; rerun this
# after changing a sample's sources and commit the result together with the goldens
# (npm run goldens).
set -euo pipefail
cd "$(dirname "$0")/../samples/stm32-seed"

CC=${CC:-arm-none-eabi-gcc}
command -v "$CC" >/dev/null || { echo "build-samples: $CC not found (apt-get install gcc-arm-none-eabi)" >&2; exit 1; }

# -fdebug-prefix-map keeps this machine's paths out of the committed debug info.
CFLAGS=(-mcpu=cortex-m4 -mthumb -Os -g -nostdlib -nostartfiles -ffreestanding -Wall -Wextra
        "-fdebug-prefix-map=$PWD=." -Wl,--no-warn-rwx-segments)

for layout in sane broken; do
  "$CC" "${CFLAGS[@]}" -T "$layout.ld" -o "$layout.elf" startup.c main.c
  echo "built samples/stm32-seed/$layout.elf"
done
