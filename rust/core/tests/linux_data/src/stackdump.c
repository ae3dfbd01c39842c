/* Prints what the kernel put on the initial stack: argc, argv, envp and
 * the auxiliary vector, one item a line, with values that do not depend
 * on the machine printed as they are and the others checked here. */
#include "nolibc.h"

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

extern char _start[];

int main(int argc, char **argv, char **envp, u64 *sp)
{
    put("sp%16 ");
    put_dec((u64)sp % 16);
    put("\nargc ");
    put_dec(argc);
    put("\n");
    for (int i = 0; i < argc; i++) {
        put("argv ");
        put(argv[i]);
        put("\n");
    }
    char **e = envp;
    for (; *e; e++) {
        put("env ");
        put(*e);
        put("\n");
    }
    u64 *auxv = (u64 *)(e + 1);
    for (; auxv[0] != AT_NULL; auxv += 2) {
        u64 k = auxv[0], v = auxv[1];
        switch (k) {
        case AT_PHENT: put("AT_PHENT "); put_dec(v); break;
        case AT_PAGESZ: put("AT_PAGESZ "); put_dec(v); break;
        case AT_BASE: put("AT_BASE "); put_dec(v); break;
        case AT_FLAGS: put("AT_FLAGS "); put_dec(v); break;
        case AT_HWCAP: put("AT_HWCAP "); put_hex(v); break;
        case AT_CLKTCK: put("AT_CLKTCK "); put_dec(v); break;
        case AT_SECURE: put("AT_SECURE "); put_dec(v); break;
        case AT_ENTRY: put("AT_ENTRY is _start "); put_dec(v == (u64)_start); break;
        case AT_EXECFN: put("AT_EXECFN "); put((const char *)v); break;
        case AT_PHNUM: put("AT_PHNUM>0 "); put_dec(v > 0); break;
        case AT_PHDR: {
            /* The first program header of a static executable is PT_PHDR
             * or PT_LOAD (or RISCV_ATTRIBUTES); check it is readable and
             * plausible. */
            unsigned type = *(unsigned *)v;
            put("AT_PHDR readable ");
            put_dec(type == 1 || type == 6 || type == 0x70000003);
            break;
        }
        case AT_RANDOM: {
            const unsigned char *r = (const unsigned char *)v;
            int nonzero = 0;
            for (int i = 0; i < 16; i++)
                nonzero |= r[i];
            put("AT_RANDOM nonzero ");
            put_dec(nonzero != 0);
            break;
        }
        default:
            continue;
        }
        put("\n");
    }
    return 0;
}
