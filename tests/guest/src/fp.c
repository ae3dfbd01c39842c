/* F and D extensions at their edges. Every operation is a single inline-asm
 * instruction, so the compiler can neither fold it nor move it across the
 * rounding-mode changes and flag reads around it. Values print as bit
 * patterns, flags as the letters of fflags:
 *   NV invalid, DZ divide by zero, OF overflow, UF underflow, NX inexact.
 * Canonical NaNs: 7fc00000 (single), 7ff8000000000000 (double). */
#include <fenv.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef uint32_t u32;

static void clear_flags(void)
{
    __asm__ volatile("fsflags zero");
}

static const char *flags(void)
{
    static char text[20];
    static const char *names[5] = { "NX", "UF", "OF", "DZ", "NV" };
    u64 f;
    char *p = text;

    __asm__ volatile("frflags %0" : "=r"(f));
    for (int bit = 4; bit >= 0; bit--) {
        if (f & (1u << bit)) {
            if (p != text)
                *p++ = ' ';
            *p++ = names[bit][0];
            *p++ = names[bit][1];
        }
    }
    if (p == text)
        *p++ = '-';
    *p = 0;
    return text;
}

/* Operations on raw bit patterns: fmv moves bits in and out unchanged.
 * Single values live NaN-boxed in f registers (fmv.w.x boxes them). */
#define D3(name, insn)                                                      \
    static u64 name(u64 a, u64 b, u64 c)                                    \
    {                                                                       \
        u64 r;                                                              \
        __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\tfmv.d.x ft2, %3\n\t" \
                         insn " ft3, ft0, ft1, ft2\n\tfmv.x.d %0, ft3"      \
                         : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); \
        return r;                                                           \
    }
#define D2(name, insn)                                                      \
    static u64 name(u64 a, u64 b, u64 c)                                    \
    {                                                                       \
        u64 r;                                                              \
        (void)c;                                                            \
        __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.d.x ft1, %2\n\t"           \
                         insn " ft3, ft0, ft1\n\tfmv.x.d %0, ft3"           \
                         : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft3"); \
        return r;                                                           \
    }
#define D1(name, insn)                                                      \
    static u64 name(u64 a, u64 b, u64 c)                                    \
    {                                                                       \
        u64 r;                                                              \
        (void)b, (void)c;                                                   \
        __asm__ volatile("fmv.d.x ft0, %1\n\t" insn " ft3, ft0\n\tfmv.x.d %0, ft3" \
                         : "=r"(r) : "r"(a) : "ft0", "ft3");                \
        return r;                                                           \
    }
#define S3(name, insn)                                                      \
    static u64 name(u64 a, u64 b, u64 c)                                    \
    {                                                                       \
        u64 r;                                                              \
        __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\tfmv.w.x ft2, %3\n\t" \
                         insn " ft3, ft0, ft1, ft2\n\tfmv.x.w %0, ft3"      \
                         : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3"); \
        return (u32)r;                                                      \
    }
#define S2(name, insn)                                                      \
    static u64 name(u64 a, u64 b, u64 c)                                    \
    {                                                                       \
        u64 r;                                                              \
        (void)c;                                                            \
        __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\t"           \
                         insn " ft3, ft0, ft1\n\tfmv.x.w %0, ft3"           \
                         : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft3"); \
        return (u32)r;                                                      \
    }
#define S1(name, insn)                                                      \
    static u64 name(u64 a, u64 b, u64 c)                                    \
    {                                                                       \
        u64 r;                                                              \
        (void)b, (void)c;                                                   \
        __asm__ volatile("fmv.w.x ft0, %1\n\t" insn " ft3, ft0\n\tfmv.x.w %0, ft3" \
                         : "=r"(r) : "r"(a) : "ft0", "ft3");                \
        return (u32)r;                                                      \
    }

D2(fadd_d, "fadd.d") D2(fsub_d, "fsub.d") D2(fmul_d, "fmul.d") D2(fdiv_d, "fdiv.d")
D1(fsqrt_d, "fsqrt.d") D3(fmadd_d, "fmadd.d") D3(fmsub_d, "fmsub.d")
D3(fnmadd_d, "fnmadd.d") D3(fnmsub_d, "fnmsub.d")
D2(fmin_d, "fmin.d") D2(fmax_d, "fmax.d")
S2(fadd_s, "fadd.s") S2(fsub_s, "fsub.s") S2(fmul_s, "fmul.s") S2(fdiv_s, "fdiv.s")
S1(fsqrt_s, "fsqrt.s") S3(fmadd_s, "fmadd.s") S3(fmsub_s, "fmsub.s")
S3(fnmadd_s, "fnmadd.s") S3(fnmsub_s, "fnmsub.s")
S2(fmin_s, "fmin.s") S2(fmax_s, "fmax.s")

typedef u64 (*fop)(u64, u64, u64);

struct arith {
    const char *name;
    fop fn;
    u64 a, b, c;
};

/* Double constants */
#define D_ONE       0x3ff0000000000000ul
#define D_TWO       0x4000000000000000ul
#define D_THREE     0x4008000000000000ul
#define D_HALF_ULP  0x3ca0000000000000ul /* 2^-53: half an ulp of 1.0 */
#define D_ULP       0x3cb0000000000000ul /* 2^-52 */
#define D_MAX       0x7feffffffffffffful
#define D_MIN       0x0010000000000000ul /* smallest normal */
#define D_TINY      0x0000000000000001ul /* smallest subnormal */
#define D_HALF      0x3fe0000000000000ul
#define D_INF       0x7ff0000000000000ul
#define D_QNAN      0x7ff8000000000000ul
#define D_SNAN      0x7ff0000000000001ul
#define D_NEG       0x8000000000000000ul
/* Single constants */
#define S_ONE       0x3f800000ul
#define S_TWO       0x40000000ul
#define S_THREE     0x40400000ul
#define S_HALF_ULP  0x33800000ul /* 2^-24 */
#define S_ULP       0x34000000ul /* 2^-23 */
#define S_MAX       0x7f7ffffful
#define S_MIN       0x00800000ul
#define S_TINY      0x00000001ul
#define S_HALF      0x3f000000ul
#define S_INF       0x7f800000ul
#define S_QNAN      0x7fc00000ul
#define S_SNAN      0x7f800001ul
#define S_NEG       0x80000000ul

static const struct arith d_cases[] = {
    { "fadd.d 1 + 2^-53 (tie)", fadd_d, D_ONE, D_HALF_ULP, 0 },
    { "fadd.d -1 - 2^-53 (tie)", fadd_d, D_NEG | D_ONE, D_NEG | D_HALF_ULP, 0 },
    { "fadd.d 1 + 3*2^-53 (tie)", fadd_d, D_ONE, 0x3cb8000000000000ul, 0 },
    { "fsub.d 1 - 1 (sign of zero)", fsub_d, D_ONE, D_ONE, 0 },
    { "fdiv.d 1 / 3", fdiv_d, D_ONE, D_THREE, 0 },
    { "fdiv.d -1 / 3", fdiv_d, D_NEG | D_ONE, D_THREE, 0 },
    { "fmul.d max * 2 (overflow)", fmul_d, D_MAX, D_TWO, 0 },
    { "fmul.d -max * 2 (overflow)", fmul_d, D_NEG | D_MAX, D_TWO, 0 },
    { "fadd.d max + max*2^-53", fadd_d, D_MAX, 0x7c9fffffffffffff, 0 },
    { "fmul.d tiny * 0.5 (underflow)", fmul_d, D_TINY, D_HALF, 0 },
    { "fmul.d -tiny * 0.5 (underflow)", fmul_d, D_NEG | D_TINY, D_HALF, 0 },
    { "fmul.d min * (1-2^-53)", fmul_d, D_MIN, 0x3fefffffffffffff, 0 },
    { "fmul.d min * 0.5 (exact subnormal)", fmul_d, D_MIN, D_HALF, 0 },
    { "fdiv.d 0 / 0", fdiv_d, 0, 0, 0 },
    { "fdiv.d 1 / 0", fdiv_d, D_ONE, 0, 0 },
    { "fdiv.d -1 / 0", fdiv_d, D_NEG | D_ONE, 0, 0 },
    { "fsub.d inf - inf", fsub_d, D_INF, D_INF, 0 },
    { "fmul.d inf * 0", fmul_d, D_INF, 0, 0 },
    { "fadd.d sNaN + 1", fadd_d, D_SNAN, D_ONE, 0 },
    { "fadd.d qNaN(payload) + 1", fadd_d, 0x7ff8000000000123ul, D_ONE, 0 },
    { "fsqrt.d 2", fsqrt_d, D_TWO, 0, 0 },
    { "fsqrt.d -1", fsqrt_d, D_NEG | D_ONE, 0, 0 },
    { "fsqrt.d -0", fsqrt_d, D_NEG, 0, 0 },
    { "fsqrt.d tiny", fsqrt_d, D_TINY, 0, 0 },
    { "fmsub.d (1+2^-52)(1-2^-52) - 1", fmsub_d, D_ONE | 1, 0x3feffffffffffffe, D_ONE },
    { "fmadd.d 1/3 * 3 + 0", fmadd_d, 0x3fd5555555555555, D_THREE, 0 },
    { "fmadd.d inf * 0 + qNaN", fmadd_d, D_INF, 0, D_QNAN },
    { "fmadd.d 1 * 1 + -1 (sign of zero)", fmadd_d, D_ONE, D_ONE, D_NEG | D_ONE },
    { "fnmadd.d 1 * 2 + 3", fnmadd_d, D_ONE, D_TWO, D_THREE },
    { "fnmsub.d 1 * 2 - 3", fnmsub_d, D_ONE, D_TWO, D_THREE },
    { "fmsub.d max * 2 - inf", fmsub_d, D_MAX, D_TWO, D_INF },
};

static const struct arith s_cases[] = {
    { "fadd.s 1 + 2^-24 (tie)", fadd_s, S_ONE, S_HALF_ULP, 0 },
    { "fadd.s -1 - 2^-24 (tie)", fadd_s, S_NEG | S_ONE, S_NEG | S_HALF_ULP, 0 },
    { "fadd.s 1 + 3*2^-25", fadd_s, S_ONE, 0x33c00000, 0 },
    { "fsub.s 1 - 1 (sign of zero)", fsub_s, S_ONE, S_ONE, 0 },
    { "fdiv.s 1 / 3", fdiv_s, S_ONE, S_THREE, 0 },
    { "fdiv.s -1 / 3", fdiv_s, S_NEG | S_ONE, S_THREE, 0 },
    { "fmul.s max * 2 (overflow)", fmul_s, S_MAX, S_TWO, 0 },
    { "fmul.s -max * 2 (overflow)", fmul_s, S_NEG | S_MAX, S_TWO, 0 },
    { "fmul.s tiny * 0.5 (underflow)", fmul_s, S_TINY, S_HALF, 0 },
    { "fmul.s min * (1-2^-24)", fmul_s, S_MIN, 0x3f7fffff, 0 },
    { "fdiv.s 0 / 0", fdiv_s, 0, 0, 0 },
    { "fdiv.s 1 / 0", fdiv_s, S_ONE, 0, 0 },
    { "fsub.s inf - inf", fsub_s, S_INF, S_INF, 0 },
    { "fadd.s sNaN + 1", fadd_s, S_SNAN, S_ONE, 0 },
    { "fsqrt.s 2", fsqrt_s, S_TWO, 0, 0 },
    { "fsqrt.s -1", fsqrt_s, S_NEG | S_ONE, 0, 0 },
    { "fmadd.s 1/3 * 3 + 0", fmadd_s, 0x3eaaaaab, S_THREE, 0 },
    { "fmadd.s inf * 0 + qNaN", fmadd_s, S_INF, 0, S_QNAN },
    { "fmsub.s 1/3 * 3 - 1 (fused)", fmsub_s, 0x3eaaaaab, S_THREE, S_ONE },
    { "fnmadd.s 1 * 2 + 3", fnmadd_s, S_ONE, S_TWO, S_THREE },
    { "fnmsub.s 1 * 2 - 3", fnmsub_s, S_ONE, S_TWO, S_THREE },
};

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* fesetround knows the four C rounding modes; RMM (round to nearest, ties
 * away from zero) exists only in RISC-V, so it is set through frm directly. */
static void set_mode(int i)
{
    static const int c_modes[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
    if (i < 4)
        fesetround(c_modes[i]);
    else
        __asm__ volatile("fsrmi 4");
}

static void arithmetic(void)
{
    static const char *mode_names[5] = { "RNE", "RTZ", "RDN", "RUP", "RMM" };

    for (int m = 0; m < 5; m++) {
        set_mode(m);
        u64 frm;
        __asm__ volatile("frrm %0" : "=r"(frm));
        printf("== rounding mode %s (frm=%lu)\n", mode_names[m], frm);
        for (int i = 0; i < LEN(d_cases); i++) {
            const struct arith *c = &d_cases[i];
            clear_flags();
            u64 r = c->fn(c->a, c->b, c->c);
            printf("%-36s %016lx %s\n", c->name, r, flags());
        }
        for (int i = 0; i < LEN(s_cases); i++) {
            const struct arith *c = &s_cases[i];
            clear_flags();
            u64 r = c->fn(c->a, c->b, c->c);
            printf("%-36s %08lx %s\n", c->name, r, flags());
        }
    }
    fesetround(FE_TONEAREST);
}

/* fmin/fmax: a NaN operand loses to a number, two NaNs give the canonical
 * NaN, only a signalling NaN raises NV, and -0 < +0. Comparisons: feq is
 * quiet (NV only for sNaN), flt/fle signal on any NaN. */
static void min_max_compare(void)
{
    static const u64 d_pairs[][2] = {
        { D_QNAN, D_ONE }, { D_ONE, D_QNAN }, { D_SNAN, D_ONE }, { D_QNAN, D_QNAN },
        { D_SNAN, D_SNAN }, { 0x7ff8000000000123ul, 0x7ff8000000000123ul },
        { D_NEG, 0 }, { 0, D_NEG }, { D_ONE, D_TWO }, { D_NEG | D_INF, D_INF },
    };
    static const u64 s_pairs[][2] = {
        { S_QNAN, S_ONE }, { S_ONE, S_QNAN }, { S_SNAN, S_ONE }, { S_QNAN, S_QNAN },
        { S_SNAN, S_SNAN }, { 0x7fc00123, 0x7fc00123 },
        { S_NEG, 0 }, { 0, S_NEG }, { S_ONE, S_TWO }, { S_NEG | S_INF, S_INF },
    };

    printf("== fmin/fmax\n");
    for (int i = 0; i < LEN(d_pairs); i++) {
        u64 a = d_pairs[i][0], b = d_pairs[i][1];
        clear_flags();
        u64 lo = fmin_d(a, b, 0);
        printf("fmin.d %016lx %016lx -> %016lx %s\n", a, b, lo, flags());
        clear_flags();
        u64 hi = fmax_d(a, b, 0);
        printf("fmax.d %016lx %016lx -> %016lx %s\n", a, b, hi, flags());
    }
    for (int i = 0; i < LEN(s_pairs); i++) {
        u64 a = s_pairs[i][0], b = s_pairs[i][1];
        clear_flags();
        u64 lo = fmin_s(a, b, 0);
        printf("fmin.s %08lx %08lx -> %08lx %s\n", a, b, lo, flags());
        clear_flags();
        u64 hi = fmax_s(a, b, 0);
        printf("fmax.s %08lx %08lx -> %08lx %s\n", a, b, hi, flags());
    }

    printf("== compare\n");
#define CMP(insn, mv, a, b)                                                 \
    do {                                                                    \
        u64 r;                                                              \
        clear_flags();                                                      \
        __asm__ volatile(mv " ft0, %1\n\t" mv " ft1, %2\n\t" insn " %0, ft0, ft1" \
                         : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1");        \
        printf("%-6s %016lx %016lx -> %lu %s\n", insn, (u64)(a), (u64)(b), r, flags()); \
    } while (0)
    CMP("feq.d", "fmv.d.x", D_QNAN, D_QNAN);
    CMP("feq.d", "fmv.d.x", D_SNAN, D_ONE);
    CMP("flt.d", "fmv.d.x", D_QNAN, D_ONE);
    CMP("fle.d", "fmv.d.x", D_ONE, D_QNAN);
    CMP("feq.d", "fmv.d.x", D_NEG, 0ul);
    CMP("flt.d", "fmv.d.x", D_NEG, 0ul);
    CMP("fle.d", "fmv.d.x", D_NEG, 0ul);
    CMP("flt.d", "fmv.d.x", D_NEG | D_INF, D_ONE);
    CMP("feq.s", "fmv.w.x", S_QNAN, S_QNAN);
    CMP("feq.s", "fmv.w.x", S_SNAN, S_ONE);
    CMP("flt.s", "fmv.w.x", S_ONE, S_QNAN);
    CMP("fle.s", "fmv.w.x", S_TWO, S_ONE);
}

/* Conversions to integers saturate: NaN and +too-big give the largest value,
 * -too-big the smallest, each with NV; 32-bit results are sign-extended into
 * the 64-bit register, the unsigned ones too. */
#define CVT_TO_INT(name, insn, mv)                                          \
    static u64 name(u64 a)                                                  \
    {                                                                       \
        u64 r;                                                              \
        __asm__ volatile(mv " ft0, %1\n\t" insn " %0, ft0" : "=r"(r) : "r"(a) : "ft0"); \
        return r;                                                           \
    }
CVT_TO_INT(w_d, "fcvt.w.d", "fmv.d.x") CVT_TO_INT(wu_d, "fcvt.wu.d", "fmv.d.x")
CVT_TO_INT(l_d, "fcvt.l.d", "fmv.d.x") CVT_TO_INT(lu_d, "fcvt.lu.d", "fmv.d.x")
CVT_TO_INT(w_s, "fcvt.w.s", "fmv.w.x") CVT_TO_INT(wu_s, "fcvt.wu.s", "fmv.w.x")
CVT_TO_INT(l_s, "fcvt.l.s", "fmv.w.x") CVT_TO_INT(lu_s, "fcvt.lu.s", "fmv.w.x")

static u64 w_d_rtz_real(u64 a)
{
    u64 r;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.w.d %0, ft0, rtz" : "=r"(r) : "r"(a) : "ft0");
    return r;
}

static void conversions(void)
{
    static const struct {
        const char *name;
        u64 (*fn)(u64);
    } d_ops[] = { { "fcvt.w.d", w_d }, { "fcvt.wu.d", wu_d }, { "fcvt.l.d", l_d },
                  { "fcvt.lu.d", lu_d }, { "fcvt.w.d rtz", w_d_rtz_real } },
      s_ops[] = { { "fcvt.w.s", w_s }, { "fcvt.wu.s", wu_s }, { "fcvt.l.s", l_s },
                  { "fcvt.lu.s", lu_s } };
    static const u64 d_in[] = {
        D_QNAN, D_SNAN, D_INF, D_NEG | D_INF,
        0x4415af1d78b58c40ul,               /* 1e20 */
        0xc415af1d78b58c40ul,               /* -1e20 */
        0x41e0000000000000ul,               /* 2^31 */
        0xc1e0000000000000ul,               /* -2^31 */
        0xc1e0000000200000ul,               /* -2^31 - 1 */
        0x41dfffffffe00000ul,               /* 2^31 - 1 + 0.5 */
        0x41e65a0bc0000000ul,               /* 3e9 */
        0x43e0000000000000ul,               /* 2^63 */
        0xc3e0000000000000ul,               /* -2^63 */
        0x43f0000000000000ul,               /* 2^64 */
        0xbfe0000000000000ul,               /* -0.5 */
        0xbff0000000000000ul,               /* -1 */
        0x4004000000000000ul,               /* 2.5 */
        0xc004000000000000ul,               /* -2.5 */
        D_NEG,
    };
    static const u64 s_in[] = {
        S_QNAN, S_INF, S_NEG | S_INF,
        0x60ad78ec,                         /* 1e20 */
        0x4f000000,                         /* 2^31 */
        0xcf000000,                         /* -2^31 */
        0x4f32d05e,                         /* 3e9 */
        0x5f000000,                         /* 2^63 */
        0xbf000000,                         /* -0.5 */
        0x40200000,                         /* 2.5 */
    };

    printf("== fcvt to integer (RNE unless noted)\n");
    for (int i = 0; i < LEN(d_ops); i++)
        for (int j = 0; j < LEN(d_in); j++) {
            clear_flags();
            u64 r = d_ops[i].fn(d_in[j]);
            printf("%-13s %016lx -> %016lx %s\n", d_ops[i].name, d_in[j], r, flags());
        }
    for (int i = 0; i < LEN(s_ops); i++)
        for (int j = 0; j < LEN(s_in); j++) {
            clear_flags();
            u64 r = s_ops[i].fn(s_in[j]);
            printf("%-13s %08lx -> %016lx %s\n", s_ops[i].name, s_in[j], r, flags());
        }

    printf("== fcvt from integer and between formats\n");
#define CVT(insn, in_mv, out_mv, x)                                         \
    do {                                                                    \
        u64 r;                                                              \
        clear_flags();                                                      \
        __asm__ volatile(in_mv "\n\t" insn "\n\t" out_mv : "=r"(r) : "r"((u64)(x)) : "ft0", "ft1"); \
        printf("%-18s %016lx -> %016lx %s\n", insn, (u64)(x), r, flags());  \
    } while (0)
#define FROM_X(insn, x) CVT(insn, "mv t0, %1", "fmv.x.d %0, ft1", x)
    FROM_X("fcvt.s.w ft1, t0", 0x123456787ffffffful);
    FROM_X("fcvt.s.wu ft1, t0", 0x00000000fffffffful);
    FROM_X("fcvt.d.w ft1, t0", 0xdeadbeef80000000ul);
    FROM_X("fcvt.d.wu ft1, t0", 0xdeadbeef80000000ul);
    FROM_X("fcvt.d.l ft1, t0", 0x8000000000000000ul);
    FROM_X("fcvt.d.lu ft1, t0", 0xfffffffffffffffful);
    FROM_X("fcvt.s.l ft1, t0", 0x8000000000000001ul);
    FROM_X("fcvt.d.l ft1, t0", 0x0020000000000001ul);
    CVT("fcvt.s.d ft1, ft0", "fmv.d.x ft0, %1", "fmv.x.d %0, ft1", D_MAX);
    CVT("fcvt.s.d ft1, ft0", "fmv.d.x ft0, %1", "fmv.x.d %0, ft1", 0x3fd5555555555555ul);
    CVT("fcvt.s.d ft1, ft0", "fmv.d.x ft0, %1", "fmv.x.d %0, ft1", D_TINY);
    CVT("fcvt.s.d ft1, ft0", "fmv.d.x ft0, %1", "fmv.x.d %0, ft1", D_SNAN);
    CVT("fcvt.d.s ft1, ft0", "fmv.w.x ft0, %1", "fmv.x.d %0, ft1", S_SNAN);
    CVT("fcvt.d.s ft1, ft0", "fmv.w.x ft0, %1", "fmv.x.d %0, ft1", S_TINY);
}

/* fclass sets exactly one bit: 0 -inf, 1 -normal, 2 -subnormal, 3 -0,
 * 4 +0, 5 +subnormal, 6 +normal, 7 +inf, 8 sNaN, 9 qNaN. */
static void classify(void)
{
    static const u64 d_in[] = { D_NEG | D_INF, D_NEG | D_ONE, D_NEG | D_TINY, D_NEG, 0,
                                D_TINY, D_ONE, D_INF, D_SNAN, D_QNAN };
    static const u64 s_in[] = { S_NEG | S_INF, S_NEG | S_ONE, S_NEG | S_TINY, S_NEG, 0,
                                S_TINY, S_ONE, S_INF, S_SNAN, S_QNAN };
    u64 r;

    printf("== fclass\n");
    for (int i = 0; i < LEN(d_in); i++) {
        __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.d %0, ft0" : "=r"(r) : "r"(d_in[i]) : "ft0");
        printf("fclass.d %016lx -> %03lx\n", d_in[i], r);
    }
    for (int i = 0; i < LEN(s_in); i++) {
        __asm__ volatile("fmv.w.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r) : "r"(s_in[i]) : "ft0");
        printf("fclass.s %08lx -> %03lx\n", s_in[i], r);
    }
}

/* Single values in 64-bit f registers are NaN-boxed (upper 32 bits all
 * ones). Transfers (flw/fsw, fmv.w.x/fmv.x.w) move bits unchecked; every
 * other single-precision operation reads an improperly boxed input as the
 * canonical NaN. */
static void nan_boxing(void)
{
    static u32 word = 0x3f800000;
    static u32 out;
    const u64 unboxed = 0x000000003f800000ul;
    u64 r;

    printf("== NaN-boxing\n");
    __asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(0x3f800000ul) : "ft0");
    printf("fmv.w.x 1.0, read as double: %016lx\n", r);
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(&word) : "ft0", "memory");
    printf("flw 1.0, read as double: %016lx\n", r);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(0xffffffffbf800000ul) : "ft0");
    printf("fmv.x.w of boxed -1.0: %016lx\n", r);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0" : "=r"(r) : "r"(unboxed) : "ft0");
    printf("fmv.x.w of unboxed: %016lx\n", r);
    __asm__ volatile("fmv.d.x ft0, %0\n\tfsw ft0, 0(%1)" ::"r"(unboxed), "r"(&out) : "ft0", "memory");
    printf("fsw of unboxed: %08x\n", out);

    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(unboxed) : "ft0", "ft1");
    printf("fadd.s of unboxed: %016lx %s\n", r, flags());
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsgnjn.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(unboxed) : "ft0", "ft1");
    printf("fsgnjn.s of unboxed: %016lx\n", r);
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsgnj.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(0xfffffffff0000000ul) : "ft0", "ft1");
    printf("fsgnj.s of boxed: %016lx\n", r);
    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(unboxed) : "ft0", "ft1");
    printf("fcvt.d.s of unboxed: %016lx %s\n", r, flags());
    __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r) : "r"(unboxed) : "ft0");
    printf("fclass.s of unboxed: %03lx\n", r);
    clear_flags();
    __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.w.x ft1, %2\n\tflt.s %0, ft0, ft1" : "=r"(r) : "r"(unboxed), "r"(0x3f800000ul) : "ft0", "ft1");
    printf("flt.s unboxed < 1.0: %lu %s\n", r, flags());
}

/* fcsr packs frm (bits 7:5) and fflags (bits 4:0); the accrued flags stay
 * set until cleared. */
static void fcsr(void)
{
    u64 r, f;

    printf("== fcsr\n");
    __asm__ volatile("fscsr %0" ::"r"(0xfful));
    __asm__ volatile("frcsr %0" : "=r"(r));
    printf("fscsr 0xff, frcsr: %02lx\n", r);
    __asm__ volatile("fsrm %0, %1" : "=r"(r) : "r"(1ul));
    __asm__ volatile("frcsr %0" : "=r"(f));
    printf("fsrm 1 returned old frm %lu, fcsr now %02lx\n", r, f);
    __asm__ volatile("fsflags %0, %1" : "=r"(r) : "r"(0ul));
    __asm__ volatile("frcsr %0" : "=r"(f));
    printf("fsflags 0 returned old flags %02lx, fcsr now %02lx\n", r, f);
    __asm__ volatile("fsflagsi 5\n\tfrflags %0" : "=r"(f));
    printf("fsflagsi 5: %02lx\n", f);
    __asm__ volatile("fscsr zero");
}

int main(void)
{
    arithmetic();
    min_max_compare();
    conversions();
    classify();
    nan_boxing();
    fcsr();
    return 0;
}
