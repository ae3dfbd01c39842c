/* The address space from the inside: brk, anonymous mmap, mremap moving
 * data, munmap, a file mapping of the program itself, and code written at
 * run time then called after riscv_flush_icache. */
#include "nolibc.h"

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MREMAP_MAYMOVE 1

static int failures;

static void check(const char *what, int ok)
{
    put(ok ? "ok   " : "FAIL ");
    put(what);
    put("\n");
    failures += !ok;
}

int main(int argc, char **argv, char **envp, u64 *sp)
{
    (void)argc;
    (void)argv;
    (void)envp;
    (void)sp;

    u64 start = syscall3(SYS_brk, 0, 0, 0);
    u64 end = syscall3(SYS_brk, start + 100000, 0, 0);
    check("brk grows", end == start + 100000);
    char *heap = (char *)start;
    for (int i = 0; i < 100000; i += 4096)
        heap[i] = (char)i;
    check("heap writable", heap[8192] == (char)8192);
    check("brk shrinks", syscall3(SYS_brk, start + 10, 0, 0) == (i64)(start + 10));

    char *a = (char *)syscall6(SYS_mmap, 0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("mmap", (i64)a > 0 && ((u64)a & 4095) == 0);
    check("mmap zero", a[0] == 0 && a[3 * 4096 - 1] == 0);
    for (int i = 0; i < 3 * 4096; i++)
        a[i] = (char)(i * 7);
    /* Block growth in place so mremap has to move. */
    char *wall = (char *)syscall6(SYS_mmap, (i64)(a + 3 * 4096), 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x10, -1, 0);
    check("mmap fixed", wall == a + 3 * 4096);
    char *b = (char *)syscall6(SYS_mremap, (i64)a, 3 * 4096, 64 * 4096, MREMAP_MAYMOVE, 0, 0);
    check("mremap moved", (i64)b > 0 && b != a);
    int same = 1;
    for (int i = 0; i < 3 * 4096; i++)
        same &= b[i] == (char)(i * 7);
    check("mremap kept contents", same);
    b[64 * 4096 - 1] = 1;
    check("munmap", syscall3(SYS_munmap, b, 64 * 4096, 0) == 0);
    check("write from unmapped is EFAULT", syscall3(SYS_write, 1, b, 10) == -14);

    int fd = (int)syscall6(SYS_openat, -100, (i64)"/proc/self/exe", 0, 0, 0, 0);
    check("open /proc/self/exe", fd >= 0);
    unsigned char *img = (unsigned char *)syscall6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    check("file mapping", (i64)img > 0 && img[0] == 0x7f && img[1] == 'E' && img[2] == 'L' && img[3] == 'F');
    syscall3(SYS_close, fd, 0, 0);

    /* li a0, 42; ret -- then patched to li a0, 43 and called again. */
    unsigned *code = (unsigned *)syscall6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    code[0] = 0x02a00513;
    code[1] = 0x00008067;
    syscall3(SYS_riscv_flush_icache, code, code + 2, 0);
    int (*fn)(void) = (int (*)(void))code;
    int first = fn();
    code[0] = 0x02b00513;
    syscall3(SYS_riscv_flush_icache, code, code + 2, 0);
    int second = fn();
    check("generated code", first == 42 && second == 43);
    check("mprotect", syscall3(SYS_mprotect, code, 4096, PROT_READ | PROT_EXEC) == 0);

    put(failures ? "some checks failed\n" : "all checks passed\n");
    return failures;
}
