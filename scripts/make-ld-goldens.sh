#!/usr/bin/env bash
# Records the memory regions GNU ld itself reads from each linker script of the test
# corpus: links a tiny object with the script and keeps the "Memory Configuration" table
# of the map file (Name, Origin, Length, Attributes; ld prints the low 32 bits).
# flashcut is not involved. Rerun (bash scripts/make-ld-goldens.sh) after changing a script and commit the result.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/test/fixtures/ld"
out="$root/test/golden/ld"
mkdir -p "$out"
CC=${CC:-arm-none-eabi-gcc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every entry symbol the corpus names, so the link has something to place.
echo 'void Reset_Handler(void) {} void _entry_point(void) {} void __start(void) {}' >"$work/tiny.c"
"$CC" -mcpu=cortex-m4 -mthumb -c "$work/tiny.c" -o "$work/tiny.o"

for script in "$corpus"/*.ld "$corpus"/*.cmd "$root"/samples/stm32-seed/sane.ld "$root"/samples/stm32-seed/broken.ld; do
  name=$(basename "$script")
  [[ $script == "$root/samples/"* ]] && name="stm32-seed-$name"
  "$CC" -mcpu=cortex-m4 -mthumb -nostartfiles -nostdlib "$work/tiny.o" -o "$work/out.elf" \
    -L "$(dirname "$script")" -L "$corpus/common" -T "$script" \
    -Wl,-Map="$work/out.map" -Wl,--no-warn-rwx-segments
  sed -n '/^Memory Configuration/,/^\*default\*/p' "$work/out.map" >"$out/$name.memory.txt"
  echo "golden ld/$name.memory.txt"
done
