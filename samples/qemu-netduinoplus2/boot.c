/* A firmware for QEMU's netduinoplus2 that proves its flash image was laid out right: its
   start-up copies .data from the load address, then it checks .data, a function run from
   RAM and the ID in IDFLASH, and reports over ARM semihosting before it exits. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_Stopped_ApplicationExit 0x20026
#define ADP_Stopped_RunTimeErrorUnknown 0x20023

__attribute__((section(".idsection"), used))
const char g_device_id[17] = "FLASHCUT-QEMU-01";

/* Boot key: NOLOAD, never programmed. */
__attribute__((section(".uninit_data"), used))
volatile uint32_t g_boot_key[8];

/* Bytes in RAM with no load address in flash: a flash-only image never writes them, so on
   QEMU, whose RAM starts zeroed, they still read 0 after reset. */
__attribute__((section(".ram_only"), used))
volatile uint8_t g_ram_only[8] = {0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A};

volatile uint32_t g_magic = 0xC0FFEE42u;
volatile uint8_t g_table[12] = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233};
volatile uint32_t g_zeroed;

__attribute__((section(".ramfunc"), noinline, noipa))
uint32_t ram_mix(uint32_t a, uint32_t b)
{
    return (a << 5) ^ (a >> 27) ^ b;
}

static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void finish(const char *line, int ok)
{
    semihost(SYS_WRITE0, line);
    semihost(SYS_EXIT, (const void *)(ok ? ADP_Stopped_ApplicationExit : ADP_Stopped_RunTimeErrorUnknown));
    for (;;) {
    }
}

static int same(const volatile char *a, const char *b)
{
    while (*b)
        if (*a++ != *b++)
            return 0;
    return 1;
}

static void check(void)
{
    static const uint8_t fib[12] = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233};
    if (g_magic != 0xC0FFEE42u)
        finish("flashcut-qemu: FAIL .data g_magic\n", 0);
    for (int i = 0; i < 12; i++)
        if (g_table[i] != fib[i])
            finish("flashcut-qemu: FAIL .data g_table\n", 0);
    if (g_zeroed != 0)
        finish("flashcut-qemu: FAIL .bss\n", 0);
    if (ram_mix(1, 2) != 34)
        finish("flashcut-qemu: FAIL .ramfunc\n", 0);
    if (!same(g_device_id, "FLASHCUT-QEMU-01"))
        finish("flashcut-qemu: FAIL .idsection\n", 0);
    for (int i = 0; i < 8; i++)
        if (g_ram_only[i] != 0)
            finish("flashcut-qemu: FAIL RAM was written by the image\n", 0);
    finish("flashcut-qemu: OK .data .ramfunc .idsection\n", 1);
}

void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;)
        *dst++ = *src++;
    for (uint32_t *dst = &_sbss; dst < &_ebss;)
        *dst++ = 0;
    (void)g_boot_key[0];
    check();
}

void Default_Handler(void)
{
    finish("flashcut-qemu: FAIL fault\n", 0);
}

__attribute__((section(".isr_vector"), used))
const uintptr_t g_vectors[16] = {
    (uintptr_t)&_estack,
    (uintptr_t)Reset_Handler,
    (uintptr_t)Default_Handler, /* NMI */
    (uintptr_t)Default_Handler, /* HardFault */
    (uintptr_t)Default_Handler, /* MemManage */
    (uintptr_t)Default_Handler, /* BusFault */
    (uintptr_t)Default_Handler, /* UsageFault */
    0, 0, 0, 0,
    (uintptr_t)Default_Handler, /* SVCall */
    (uintptr_t)Default_Handler, /* DebugMon */
    0,
    (uintptr_t)Default_Handler, /* PendSV */
    (uintptr_t)Default_Handler, /* SysTick */
};
