/* What the loader hands a new process: argc/argv, the environment and the
 * auxiliary vector. Host-dependent values (paths, addresses) are printed only
 * as properties, so the output is the same under any emulator. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;
extern char _start[];

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *yes(int cond)
{
    return cond ? "yes" : "no";
}

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    printf("argv[0] basename=%s\n", base_name(argv[0]));
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=\"%s\"\n", i, argv[i]);
    printf("argv[argc] is NULL: %s\n", yes(argv[argc] == NULL));

    int n_env = 0;
    while (environ[n_env])
        n_env++;
    printf("environment entries=%d\n", n_env);
    const char *v = getenv("VMJIT_TEST");
    printf("VMJIT_TEST=%s\n", v ? v : "(unset)");

    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    /* One bit per extension letter: I M A F D C = 0x112d. */
    printf("AT_HWCAP=%#lx\n", getauxval(AT_HWCAP));
    printf("AT_RANDOM non-null: %s\n", yes(getauxval(AT_RANDOM) != 0));
    printf("AT_ENTRY is _start: %s\n", yes(getauxval(AT_ENTRY) == (unsigned long)_start));

    /* AT_PHDR must point at this executable's own program headers. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    unsigned long phnum = getauxval(AT_PHNUM);
    int has_load = 0;
    for (unsigned long i = 0; ph && i < phnum; i++)
        has_load |= ph[i].p_type == PT_LOAD;
    printf("AT_PHENT=%lu\n", getauxval(AT_PHENT));
    printf("AT_PHDR lists a PT_LOAD: %s\n", yes(has_load));

    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN set: %s\n", yes(fn != NULL));
    if (fn) {
        printf("AT_EXECFN basename=%s\n", base_name(fn));
        printf("AT_EXECFN equals argv[0]: %s\n", yes(strcmp(fn, argv[0]) == 0));
    }
    return 0;
}
