/* RV64IM corner cases, each run through inline assembly so the instruction
 * under test really executes (C would fold constants or call helpers, and
 * some of these cases are undefined behaviour in C). Results print in hex.
 *
 * Division follows the table of the M extension: x/0 = all ones, x%0 = x,
 * MIN/-1 = MIN, MIN%-1 = 0 (no trap in any case); W forms use the low 32 bits
 * of each operand and sign-extend the 32-bit result. */
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;

#define RR(op)                                                              \
    static u64 op_##op(u64 a, u64 b)                                        \
    {                                                                       \
        u64 r;                                                              \
        __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));     \
        return r;                                                           \
    }

RR(div) RR(divu) RR(rem) RR(remu) RR(divw) RR(divuw) RR(remw) RR(remuw)
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(mulw)
RR(sll) RR(srl) RR(sra) RR(sllw) RR(srlw) RR(sraw) RR(addw) RR(subw)

struct op {
    const char *name;
    u64 (*fn)(u64, u64);
};

#define OP(op) { #op, op_##op }

static void table(const char *title, const struct op *ops, int n_ops,
                  const u64 (*args)[2], int n_args)
{
    printf("== %s\n", title);
    for (int i = 0; i < n_ops; i++)
        for (int j = 0; j < n_args; j++)
            printf("%-6s %016lx %016lx -> %016lx\n", ops[i].name, args[j][0],
                   args[j][1], ops[i].fn(args[j][0], args[j][1]));
}

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MIN64 0x8000000000000000ul
#define NEG(x) ((u64) - (int64_t)(x))

static void division(void)
{
    static const struct op ops[] = { OP(div), OP(divu), OP(rem), OP(remu) };
    static const u64 args[][2] = {
        { 7, 2 }, { NEG(7), 2 }, { 7, NEG(2) }, { NEG(7), NEG(2) },
        { 5, 0 }, { NEG(5), 0 }, { 0, 0 },
        { MIN64, NEG(1) }, { MIN64, 1 },
    };
    table("division by zero and overflow, 64-bit", ops, LEN(ops), args, LEN(args));

    static const struct op wops[] = { OP(divw), OP(divuw), OP(remw), OP(remuw) };
    /* Upper halves hold junk that a W form must ignore. */
    static const u64 wargs[][2] = {
        { 0x1234567800000007, 0xabcdef0000000002 },
        { 0xfffffffffffffff9, 2 },
        { 0xdeadbeef80000001, 0 },
        { 5, 0 },
        { 0xffffffff80000000, NEG(1) },
        { 0x0000000080000000, 0x00000000ffffffff },
        { 0xffffffff80000000, 1 },
    };
    table("division by zero and overflow, 32-bit (W)", wops, LEN(wops), wargs, LEN(wargs));
}

static void shifts(void)
{
    /* Register shift amounts use only the low 6 bits (5 for W forms). */
    static const struct op ops[] = { OP(sll), OP(srl), OP(sra) };
    static const u64 args[][2] = {
        { 0x8000000000000001, 1 }, { 0x8000000000000001, 63 },
        { 0x8000000000000001, 64 }, { 0x8000000000000001, 65 },
        { 0x8000000000000001, 127 }, { 0x8000000000000001, NEG(1) },
    };
    table("shifts by large amounts, 64-bit", ops, LEN(ops), args, LEN(args));

    static const struct op wops[] = { OP(sllw), OP(srlw), OP(sraw) };
    static const u64 wargs[][2] = {
        { 0xdeadbeef80000001, 0 }, { 0xdeadbeef80000001, 1 },
        { 0xdeadbeef80000001, 31 }, { 0xdeadbeef80000001, 32 },
        { 0xdeadbeef80000001, 33 }, { 0x00000000c0000000, 63 },
    };
    table("shifts by large amounts, 32-bit (W)", wops, LEN(wops), wargs, LEN(wargs));

    u64 x = 0xdeadbeef80000001, r;
    printf("== shifts by immediates\n");
    __asm__ volatile("slli %0, %1, 63" : "=r"(r) : "r"(x));
    printf("slli   63 -> %016lx\n", r);
    __asm__ volatile("srli %0, %1, 63" : "=r"(r) : "r"(x));
    printf("srli   63 -> %016lx\n", r);
    __asm__ volatile("srai %0, %1, 63" : "=r"(r) : "r"(x));
    printf("srai   63 -> %016lx\n", r);
    __asm__ volatile("slliw %0, %1, 31" : "=r"(r) : "r"(x));
    printf("slliw  31 -> %016lx\n", r);
    __asm__ volatile("srliw %0, %1, 0" : "=r"(r) : "r"(x));
    printf("srliw   0 -> %016lx\n", r);
    __asm__ volatile("srliw %0, %1, 31" : "=r"(r) : "r"(x));
    printf("srliw  31 -> %016lx\n", r);
    __asm__ volatile("sraiw %0, %1, 31" : "=r"(r) : "r"(x));
    printf("sraiw  31 -> %016lx\n", r);
}

static void sign_extension(void)
{
    static const struct op ops[] = { OP(addw), OP(subw), OP(mulw) };
    static const u64 args[][2] = {
        { 0x000000007fffffff, 1 }, { 0x0000000080000000, 1 },
        { 0xffffffff00000000, 0 }, { 0x0000000000010000, 0x0000000000010000 },
        { 0x000000007fffffff, 2 },
    };
    table("sign extension of W results", ops, LEN(ops), args, LEN(args));

    u64 r;
    __asm__ volatile("addiw %0, %1, 0" : "=r"(r) : "r"(0x00000000fffffffful));
    printf("addiw  00000000ffffffff 0 -> %016lx\n", r);
    __asm__ volatile("addiw %0, %1, -1" : "=r"(r) : "r"(0x1234567880000000ul));
    printf("addiw  1234567880000000 -1 -> %016lx\n", r);

    /* Loads: signed forms sign-extend, the u forms zero-extend. */
    static volatile u64 word = 0x923456789abcdef0;
    const volatile u64 *p = &word;
    printf("== loads of %016lx\n", word);
#define LOAD(insn, off)                                                      \
    do {                                                                     \
        __asm__ volatile(insn " %0, " #off "(%1)" : "=r"(r) : "r"(p) : "memory"); \
        printf("%-4s +%d -> %016lx\n", insn, off, r);                        \
    } while (0)
    LOAD("lb", 0); LOAD("lbu", 0); LOAD("lb", 7); LOAD("lbu", 7);
    LOAD("lh", 0); LOAD("lhu", 0); LOAD("lh", 6); LOAD("lhu", 6);
    LOAD("lw", 0); LOAD("lwu", 0); LOAD("lw", 4); LOAD("lwu", 4);
    LOAD("ld", 0);
}

static void multiply(void)
{
    static const struct op ops[] = { OP(mul), OP(mulh), OP(mulhsu), OP(mulhu) };
    static const u64 args[][2] = {
        { NEG(1), NEG(1) }, { MIN64, MIN64 }, { MIN64, NEG(1) },
        { 0x7fffffffffffffff, 0x7fffffffffffffff }, { NEG(2), 3 }, { 3, NEG(2) },
        { 0xdeadbeefcafebabe, 0x123456789abcdef0 },
    };
    table("multiply high halves", ops, LEN(ops), args, LEN(args));
}

/* Loads and stores at every misalignment: Linux emulates them in user mode,
 * so they must just work. */
static void misaligned(void)
{
    static unsigned char buf[32] __attribute__((aligned(16)));
    unsigned char *b = buf;
    u64 r;

    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)(0x80 + i * 7);
    printf("== misaligned accesses\n");
#define MLOAD(insn, off)                                                    \
    do {                                                                    \
        __asm__ volatile(insn " %0, %2(%1)" : "=r"(r) : "r"(b), "i"(off) : "memory"); \
        printf("%-3s +%-2d -> %016lx\n", insn, off, r);                     \
    } while (0)
    MLOAD("lh", 1); MLOAD("lhu", 3); MLOAD("lw", 1); MLOAD("lw", 2);
    MLOAD("lwu", 3); MLOAD("ld", 1); MLOAD("ld", 3); MLOAD("ld", 7);
    MLOAD("ld", 12);

    __asm__ volatile("sd %1, 5(%0)" ::"r"(b), "r"(0x0123456789abcdeful) : "memory");
    __asm__ volatile("sw %1, 18(%0)" ::"r"(b), "r"(0xfedcba98ul) : "memory");
    __asm__ volatile("sh %1, 23(%0)" ::"r"(b), "r"(0x5aa5ul) : "memory");
    printf("after sd +5, sw +18, sh +23:");
    for (int i = 0; i < 32; i++)
        printf(" %02x", buf[i]);
    printf("\n");

    double d;
    __asm__ volatile("fld %0, 9(%1)" : "=f"(d) : "r"(b) : "memory");
    __asm__ volatile("fsd %1, 3(%0)" ::"r"(b), "f"(d) : "memory");
    __asm__ volatile("ld %0, 3(%1)" : "=r"(r) : "r"(b) : "memory");
    printf("fld +9, fsd +3, ld +3 -> %016lx\n", r);
}

int main(void)
{
    division();
    shifts();
    sign_extension();
    multiply();
    misaligned();
    return 0;
}
