/* The A extension: every AMO in .w and .d form, then LR/SC success and
 * failure paths. Each AMO line shows the memory before, the operand, the value
 * returned in rd (the old memory; sign-extended from 32 bits for .w) and the
 * memory after. The .w forms work on the low word of a 64-bit slot whose
 * upper word (0x55555555) must survive, and their operands carry junk in the
 * upper word that must be ignored. */
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;

#define AMO(name, insn)                                                    \
    static u64 name(u64 *p, u64 v)                                          \
    {                                                                       \
        u64 r;                                                              \
        __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); \
        return r;                                                           \
    }

AMO(swap_w, "amoswap.w") AMO(add_w, "amoadd.w") AMO(xor_w, "amoxor.w")
AMO(and_w, "amoand.w") AMO(or_w, "amoor.w") AMO(min_w, "amomin.w")
AMO(max_w, "amomax.w") AMO(minu_w, "amominu.w") AMO(maxu_w, "amomaxu.w")
AMO(add_w_aqrl, "amoadd.w.aqrl")
AMO(swap_d, "amoswap.d") AMO(add_d, "amoadd.d") AMO(xor_d, "amoxor.d")
AMO(and_d, "amoand.d") AMO(or_d, "amoor.d") AMO(min_d, "amomin.d")
AMO(max_d, "amomax.d") AMO(minu_d, "amominu.d") AMO(maxu_d, "amomaxu.d")
AMO(swap_d_aq, "amoswap.d.aq") AMO(or_d_rl, "amoor.d.rl")

struct op {
    const char *name;
    u64 (*fn)(u64 *, u64);
};

#define OP(name, insn) { insn, name }

static void run(const char *title, const struct op *ops, int n_ops,
                const u64 (*cases)[2], int n_cases)
{
    printf("== %s\n", title);
    for (int i = 0; i < n_ops; i++) {
        for (int j = 0; j < n_cases; j++) {
            u64 mem = cases[j][0];
            u64 old = ops[i].fn(&mem, cases[j][1]);
            printf("%-14s mem %016lx op %016lx -> rd %016lx mem %016lx\n",
                   ops[i].name, cases[j][0], cases[j][1], old, mem);
        }
    }
}

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void amos(void)
{
    static const struct op w[] = {
        OP(swap_w, "amoswap.w"), OP(add_w, "amoadd.w"), OP(xor_w, "amoxor.w"),
        OP(and_w, "amoand.w"), OP(or_w, "amoor.w"), OP(min_w, "amomin.w"),
        OP(max_w, "amomax.w"), OP(minu_w, "amominu.w"), OP(maxu_w, "amomaxu.w"),
        OP(add_w_aqrl, "amoadd.w.aqrl"),
    };
    static const u64 wcases[][2] = {
        { 0x5555555580000001, 0xaaaaaaaa7fffffff },
        { 0x5555555500000005, 0xaaaaaaaafffffffd },
        { 0x55555555ffffffff, 0x0000000000000001 },
    };
    run("32-bit AMOs", w, LEN(w), wcases, LEN(wcases));

    static const struct op d[] = {
        OP(swap_d, "amoswap.d"), OP(add_d, "amoadd.d"), OP(xor_d, "amoxor.d"),
        OP(and_d, "amoand.d"), OP(or_d, "amoor.d"), OP(min_d, "amomin.d"),
        OP(max_d, "amomax.d"), OP(minu_d, "amominu.d"), OP(maxu_d, "amomaxu.d"),
        OP(swap_d_aq, "amoswap.d.aq"), OP(or_d_rl, "amoor.d.rl"),
    };
    static const u64 dcases[][2] = {
        { 0x8000000000000001, 0x7fffffffffffffff },
        { 0x0000000000000005, 0xfffffffffffffffd },
        { 0xffffffffffffffff, 0x0000000000000001 },
    };
    run("64-bit AMOs", d, LEN(d), dcases, LEN(dcases));
}

/* Two reservation targets on different pages, so no implementation can
 * count them as one reservation set. */
static u64 slot_a[512] __attribute__((aligned(4096)));
static u64 slot_b[512] __attribute__((aligned(4096)));

static u64 lr_w(u64 *p)
{
    u64 r;
    __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p) : "memory");
    return r;
}

static u64 lr_d(u64 *p)
{
    u64 r;
    __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory");
    return r;
}

static u64 sc_w(u64 *p, u64 v)
{
    u64 r;
    __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

static u64 sc_d(u64 *p, u64 v)
{
    u64 r;
    __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

/* Each LR/SC sequence runs with no call in between: printf takes the stdio
 * lock with LR/SC, which would move the reservation. Results print after. */
static void lr_sc(void)
{
    u64 *a = slot_a, *b = slot_b;
    u64 r1, r2, r3;

    printf("== LR/SC\n");
    *a = 0x5555555580000000;
    r1 = lr_w(a);
    r2 = sc_w(a, 0xaaaaaaaa12345678);
    printf("lr.w sign-extends: %016lx\n", r1);
    printf("sc.w right after lr.w: %lu, mem %016lx\n", r2, *a);

    /* Any SC, successful or not, ends the reservation. */
    lr_w(a);
    r1 = sc_w(a, 1);
    r2 = sc_w(a, 2);
    printf("sc.w twice after one lr.w: %lu then %lu, mem %016lx\n", r1, r2, *a);

    *a = 1;
    r1 = lr_d(a);
    r2 = sc_d(a, 0x8000000000000002);
    printf("lr.d: %016lx\n", r1);
    printf("sc.d right after lr.d: %lu, mem %016lx\n", r2, *a);

    *a = 5;
    *b = 7;
    lr_d(a);
    r1 = sc_d(b, 8);
    r2 = sc_d(a, 9);
    printf("sc.d to another page than lr.d: %lu, mem %016lx\n", r1, *b);
    printf("sc.d to the lr.d address after that: %lu, mem %016lx\n", r2, *a);

    r3 = lr_d(a);
    r1 = sc_d(a, r3 + 1);
    printf("a fresh lr.d/sc.d pair succeeds: %lu, mem %016lx\n", r1, *a);

    /* The usual retry loop: an atomic add built from LR/SC. */
    *a = 0;
    for (int i = 0; i < 1000; i++) {
        u64 seen;
        do
            seen = lr_d(a);
        while (sc_d(a, seen + 3) != 0);
    }
    printf("1000 LR/SC increments by 3: %lu\n", *a);
}

int main(void)
{
    amos();
    lr_sc();
    return 0;
}
