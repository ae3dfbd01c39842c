/* The smallest program: one line naming itself, exit status 7. Built both
 * as a static executable and as a static PIE. */
#include "nolibc.h"

int main(int argc, char **argv, char **envp, u64 *sp)
{
    (void)envp;
    (void)sp;
    put("hello from ");
    put(argc > 0 ? argv[0] : "nobody");
    put("\n");
    return 7;
}
