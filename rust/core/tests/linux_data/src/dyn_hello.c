/* A dynamically linked program: started through its interpreter
 * (PT_INTERP), with libc.so.6 found by the loader in the sysroot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char *copy = strdup(argc > 1 ? argv[1] : "nothing");
    printf("hello from a dynamic program: %s (%zu bytes)\n", copy, strlen(copy));
    free(copy);
    return 3;
}
