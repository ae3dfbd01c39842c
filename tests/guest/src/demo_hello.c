/* The demo bundled with the vmjit package (`vmjit run` with no program):
 * a freestanding RV64GC Linux program, no libc, so it is a few hundred
 * bytes. It talks to the kernel with raw ecalls: write(1, ...) and exit(0). */

static long syscall3(long nr, long a0, long a1, long a2)
{
    register long x10 __asm__("a0") = a0;
    register long x11 __asm__("a1") = a1;
    register long x12 __asm__("a2") = a2;
    register long x17 __asm__("a7") = nr;
    __asm__ volatile("ecall" : "+r"(x10) : "r"(x11), "r"(x12), "r"(x17) : "memory");
    return x10;
}

enum { SYS_write = 64, SYS_exit = 93 };

static const char message[] =
    "Hello from RISC-V! This is a RV64GC program running in vmjit.\n";

void _start(void)
{
    syscall3(SYS_write, 1, (long)message, sizeof message - 1);
    syscall3(SYS_exit, 0, 0, 0);
    for (;;) {
    }
}
