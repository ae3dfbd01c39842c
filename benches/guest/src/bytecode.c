/* The branchy workload: a stack-machine bytecode interpreter, as scripting
 * languages run, executing a program that counts (and sums) the primes below
 * LIMIT by trial division: bytecode LIMIT. Dispatch is one switch per
 * bytecode, so nearly every guest block ends in an indirect or
 * data-dependent branch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op { PUSH, LOAD, STORE, ADD, MUL, MOD, LT, LE, JZ, JMP, HALT };

struct insn {
    int32_t op;
    int32_t arg;
};

/* Variables. */
enum { LIMIT, N, D, COUNT, SUM, NVARS };
/* Jump targets: indexes into `program`. */
enum { OUTER = 6, INNER = 12, PRIME = 27, NEXT = 35, END = 40 };

static const struct insn program[] = {
    /*  0 */ {PUSH, 0}, {STORE, COUNT}, {PUSH, 0}, {STORE, SUM}, {PUSH, 2}, {STORE, N},
    /*  6 OUTER: while n < limit */
    {LOAD, N}, {LOAD, LIMIT}, {LT, 0}, {JZ, END}, {PUSH, 2}, {STORE, D},
    /* 12 INNER: while d * d <= n */
    {LOAD, D}, {LOAD, D}, {MUL, 0}, {LOAD, N}, {LE, 0}, {JZ, PRIME},
    /* 18 n % d == 0: composite */
    {LOAD, N}, {LOAD, D}, {MOD, 0}, {JZ, NEXT},
    /* 22 d += 1 */
    {LOAD, D}, {PUSH, 1}, {ADD, 0}, {STORE, D}, {JMP, INNER},
    /* 27 PRIME: count += 1; sum += n */
    {LOAD, COUNT}, {PUSH, 1}, {ADD, 0}, {STORE, COUNT}, {LOAD, SUM}, {LOAD, N}, {ADD, 0}, {STORE, SUM},
    /* 35 NEXT: n += 1 */
    {LOAD, N}, {PUSH, 1}, {ADD, 0}, {STORE, N}, {JMP, OUTER},
    /* 40 END */
    {HALT, 0},
};

static void run(const struct insn *code, int64_t *vars)
{
    int64_t stack[16];
    int sp = 0;
    for (int pc = 0;;) {
        const struct insn *i = &code[pc++];
        switch (i->op) {
        case PUSH: stack[sp++] = i->arg; break;
        case LOAD: stack[sp++] = vars[i->arg]; break;
        case STORE: vars[i->arg] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case LE: sp--; stack[sp - 1] = stack[sp - 1] <= stack[sp]; break;
        case JZ: if (stack[--sp] == 0) pc = i->arg; break;
        case JMP: pc = i->arg; break;
        default: return;
        }
    }
}

int main(int argc, char **argv)
{
    int64_t vars[NVARS] = {0};
    vars[LIMIT] = argc > 1 ? strtol(argv[1], 0, 10) : 100000;
    run(program, vars);
    printf("bytecode %lld %lld %lld\n", (long long)vars[LIMIT], (long long)vars[COUNT], (long long)vars[SUM]);
    return 0;
}
