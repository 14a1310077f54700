/* Data for each of the four flash windows (see four.ld). */
#include <stdint.h>

__attribute__((section(".settings"), used)) const uint32_t settings[64] = {0x5E771265, 1, 2, 3};
__attribute__((section(".fonts"), used)) const uint8_t font[3072] = {0xF0, 0x47};
__attribute__((section(".images"), used)) const uint8_t splash[12288] = {0x89, 'P', 'N', 'G'};
/* The mistake: initialised RAM with no load address in flash. */
__attribute__((section(".framebuffer"), used)) uint16_t framebuffer[256] = {0xFFFF};

volatile uint32_t ticks = 7;

int main(void)
{
    for (;;) {
        ticks += settings[1] + font[0] + splash[0] + framebuffer[0];
    }
}
