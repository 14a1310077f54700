#!/usr/bin/env bash
# Produces the golden images of the samples with GNU objcopy, the independent oracle.
# The sections to remove (-R) come from objdump's own section table: every loadable
# section whose load address (LMA) is outside the seed's flash windows
# FLASH 0x08000000+0xFF00 and IDFLASH 0x0800FF00+0x100. flashcut's selection is not used.
# Never edit the outputs by hand: rerun this script (npm run goldens) and commit the result.
# GOLDEN_DIR=DIR writes them elsewhere (the live oracle test compares such a fresh run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${GOLDEN_DIR:-$root/test/golden/stm32-seed}"
mkdir -p "$out"

OBJCOPY=${OBJCOPY:-arm-none-eabi-objcopy}
OBJDUMP=${OBJDUMP:-arm-none-eabi-objdump}
FLASH_START=$((0x08000000))
FLASH_END=$((0x08010000)) # end of IDFLASH; FLASH and IDFLASH touch

# Prints "-R NAME" for every CONTENTS+LOAD section whose LMA lies outside the windows.
ram_sections() {
  local idx name size vma lma rest flags
  "$OBJDUMP" -h "$1" | grep -E '^ +[0-9]+ ' -A1 | grep -v '^--' |
    while read -r idx name size vma lma rest && read -r flags; do
      size=$((16#$size)) lma=$((16#$lma))
      if [[ $flags == *CONTENTS* && $flags == *LOAD* ]] && ((size > 0)) &&
        ((lma < FLASH_START || lma + size > FLASH_END)); then
        printf -- '-R %s ' "$name"
      fi
    done
}

for elf in "$root"/samples/stm32-seed/*.elf; do
  name=$(basename "$elf" .elf)
  # shellcheck disable=SC2046
  read -r -a remove <<<"$(ram_sections "$elf")"
  "$OBJCOPY" -O ihex "${remove[@]}" "$elf" "$out/$name.objcopy.hex"
  "$OBJCOPY" -O binary --gap-fill 0xff "${remove[@]}" "$elf" "$out/$name.objcopy.bin"
  echo "golden $name: objcopy ${remove[*]:-(nothing removed)}"
done
