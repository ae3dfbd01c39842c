/* A few Linux syscalls and helpers for the freestanding test programs:
 * no libc, so the binaries stay small and every syscall is explicit. */
#ifndef NOLIBC_H
#define NOLIBC_H

typedef unsigned long u64;
typedef long i64;

#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_mremap 216
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_riscv_flush_icache 259

static inline i64 syscall6(i64 n, i64 a, i64 b, i64 c, i64 d, i64 e, i64 f)
{
    register i64 a0 __asm__("a0") = a;
    register i64 a1 __asm__("a1") = b;
    register i64 a2 __asm__("a2") = c;
    register i64 a3 __asm__("a3") = d;
    register i64 a4 __asm__("a4") = e;
    register i64 a5 __asm__("a5") = f;
    register i64 a7 __asm__("a7") = n;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

#define syscall3(n, a, b, c) syscall6(n, (i64)(a), (i64)(b), (i64)(c), 0, 0, 0)

__attribute__((unused)) static u64 str_len(const char *s)
{
    u64 n = 0;
    while (s[n])
        n++;
    return n;
}

__attribute__((unused)) static void put(const char *s) { syscall3(SYS_write, 1, s, str_len(s)); }

__attribute__((unused)) static void put_hex(u64 v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    buf[18] = 0;
    put(buf);
}

__attribute__((unused)) static void put_dec(i64 v)
{
    char buf[24];
    int i = 23;
    int neg = v < 0;
    u64 u = neg ? -(u64)v : (u64)v;
    buf[i] = 0;
    do {
        buf[--i] = '0' + u % 10;
        u /= 10;
    } while (u);
    if (neg)
        buf[--i] = '-';
    put(buf + i);
}

static __attribute__((noreturn)) void exit_group(int code)
{
    syscall3(SYS_exit_group, code, 0, 0);
    __builtin_unreachable();
}

int main(int argc, char **argv, char **envp, u64 *sp);

/* The entry point: sp holds argc, then argv[], NULL, envp[], NULL, auxv. */
__attribute__((used)) static void start_c(u64 *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    exit_group(main(argc, argv, envp, sp));
}

__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  mv a0, sp\n"
        "  andi sp, sp, -16\n"
        "  call start_c\n");

#endif
