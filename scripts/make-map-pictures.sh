#!/usr/bin/env bash
# Writes the README's memory-map pictures with the built command line (npm run build first):
# the seed sample's broken layout and the four-window STM32H7-like sample.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs
node bin/flashcut.js inspect samples/stm32-seed/broken.elf -r FLASH=0x08000000:0xFF00 -r IDFLASH=0x0800FF00:256 \
  --svg docs/broken-map.svg >/dev/null
node bin/flashcut.js inspect samples/h7-four-windows/four.elf --ld samples/h7-four-windows/four.ld --align 32 \
  --svg docs/four-windows-map.svg >/dev/null
echo "wrote docs/broken-map.svg docs/four-windows-map.svg"
