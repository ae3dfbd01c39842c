/* A global that tests watch: the magic bytes in front of it let a test find
 * its address in the ELF image (cases.elf_vaddr_of). Each round loads and
 * stores it once (volatile), so a watch sees exactly 5 stores of 4, 14, 45,
 * 139, 422 and 6 loads (the last one by printf's argument). */
#include <stdio.h>

static volatile struct {
    char magic[8];
    long value;
} cell = {"WATCHME!", 1};

int main(void)
{
    for (int i = 1; i <= 5; i++)
        cell.value = cell.value * 3 + i;
    printf("value=%ld\n", cell.value);
    return 0;
}
