/* The seed boot loader, reduced to what shapes its memory map. */
#include <stdint.h>

/* The device ID string, kept at a fixed place in its own flash window. */
__attribute__((section(".idsection"), used))
const char g_device_id[16] = "FLASHCUT-SEED-01";

/* Boot key in FIXEDRAM: survives a reset, never initialised, never programmed. */
__attribute__((section(".uninit_data"), used))
volatile uint32_t g_boot_key[8];

/* Initialised data: its initial values live in flash at the LMA of .data. */
volatile uint32_t g_magic = 0xC0FFEE42u;
volatile uint8_t g_table[24] = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233};
volatile uint32_t g_counter;

/* Receive buffer of the boot protocol: the bulk of .bss. */
volatile uint8_t g_rx_buffer[0x2318];

/* Runs from RAM while flash is being erased; start-up copies it with .data. */
__attribute__((section(".ramfunc"), noinline))
uint32_t ram_mix(uint32_t a, uint32_t b)
{
    return (a << 5) ^ (a >> 27) ^ b;
}

static uint32_t checksum(const volatile uint8_t *p, uint32_t n)
{
    uint32_t sum = 0;
    while (n--)
        sum = (sum << 1) + *p++;
    return sum;
}

int main(void)
{
    if (g_boot_key[0] == 0xB007B007u)
        g_boot_key[0] = 0;
    g_rx_buffer[0] = (uint8_t)g_boot_key[1];
    g_counter = ram_mix(checksum(g_table, sizeof g_table), g_magic ^ (uint32_t)g_device_id[0]);
    return (int)g_counter;
}
