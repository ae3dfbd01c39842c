/*
 * Differential test vectors for the F and D instructions.
 *
 * Runs every F/D compute instruction over a table of inputs and rounding
 * modes and prints one line per execution:
 *
 *     <mnemonic> <frm> <rs1> <rs2> <rs3> <result> <fflags>
 *
 * Registers are printed as 16 hex digits of the raw 64-bit register
 * (singles appear NaN-boxed, so boxing of results is checked too); an
 * unused source prints as "-". Integer sources and results live in x
 * registers, all others in f registers. Every instruction uses the
 * dynamic rounding mode; <frm> is the value written to frm before it,
 * and fflags is cleared before it and read right after it.
 *
 * Freestanding (no libc): it only needs the write and exit_group system
 * calls, so any RV64GC Linux user-mode emulator can run it. See README.md
 * for how the binary and the expected output were built.
 */

typedef unsigned long u64;
typedef unsigned int u32;

/* ---- output ------------------------------------------------------------ */

static char buf[8192];
static u32 len;

static long sys_write(long fd, const void *p, long n)
{
    register long a0 asm("a0") = fd;
    register long a1 asm("a1") = (long)p;
    register long a2 asm("a2") = n;
    register long a7 asm("a7") = 64;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static void __attribute__((noreturn)) sys_exit(long code)
{
    register long a0 asm("a0") = code;
    register long a7 asm("a7") = 94; /* exit_group */
    asm volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
    for (;;) {
    }
}

static void flush(void)
{
    u32 off = 0;
    while (off < len) {
        long n = sys_write(1, buf + off, len - off);
        if (n <= 0)
            sys_exit(1);
        off += (u32)n;
    }
    len = 0;
}

static void put(char c)
{
    if (len == sizeof buf)
        flush();
    buf[len++] = c;
}

static void puts_(const char *s)
{
    while (*s)
        put(*s++);
}

static void hex(u64 v, int digits)
{
    for (int i = digits - 1; i >= 0; i--)
        put("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

/* ---- the instructions ---------------------------------------------------- */

/*
 * Each wrapper sets frm, clears fflags, loads fa1..fa3 from the raw
 * register images, runs one instruction and returns its result and flags.
 * FOP: the result is in fa0. XOP: the instruction writes %[r] itself.
 */
typedef u64 (*op_fn)(u64 a, u64 b, u64 c, u64 rm, u64 *flags);

#define PROLOGUE                                                              \
    "fsrm %[rm]\n\t"                                                          \
    "csrwi fflags, 0\n\t"                                                     \
    "fmv.d.x fa1, %[a]\n\t"                                                   \
    "fmv.d.x fa2, %[b]\n\t"                                                   \
    "fmv.d.x fa3, %[c]\n\t"

#define OPERANDS                                                              \
    : [r] "=&r"(r), [f] "=&r"(f)                                              \
    : [a] "r"(a), [b] "r"(b), [c] "r"(c), [rm] "r"(rm)                       \
    : "fa0", "fa1", "fa2", "fa3"

#define FOP(id, text)                                                         \
    static u64 id(u64 a, u64 b, u64 c, u64 rm, u64 *flags)                    \
    {                                                                         \
        u64 r, f;                                                             \
        asm volatile(PROLOGUE text "\n\t"                                     \
                     "fmv.x.d %[r], fa0\n\t"                                  \
                     "frflags %[f]" OPERANDS);                                \
        *flags = f;                                                           \
        return r;                                                             \
    }

#define XOP(id, text)                                                         \
    static u64 id(u64 a, u64 b, u64 c, u64 rm, u64 *flags)                    \
    {                                                                         \
        u64 r, f;                                                             \
        asm volatile(PROLOGUE text "\n\t"                                     \
                     "frflags %[f]" OPERANDS);                                \
        *flags = f;                                                           \
        return r;                                                             \
    }

/*
 * The assembler takes no rounding-mode operand for the exact conversions
 * fcvt.d.w, fcvt.d.wu and fcvt.d.s; spell them with .insn so they too use
 * the dynamic mode (funct3 = 7). rs2 selects the source format.
 */
#define FUNCT7_S_FROM_X "0x68"
#define FUNCT7_D_FROM_X "0x69"
#define CVT_FROM_W(S, rs2) ".insn r OP_FP, 7, " FUNCT7_##S##_FROM_X ", fa0, %[a], " rs2

#define FORMATS(S, s)                                                         \
    FOP(fmadd_##s, "fmadd." #s " fa0, fa1, fa2, fa3, dyn")                    \
    FOP(fmsub_##s, "fmsub." #s " fa0, fa1, fa2, fa3, dyn")                    \
    FOP(fnmsub_##s, "fnmsub." #s " fa0, fa1, fa2, fa3, dyn")                  \
    FOP(fnmadd_##s, "fnmadd." #s " fa0, fa1, fa2, fa3, dyn")                  \
    FOP(fadd_##s, "fadd." #s " fa0, fa1, fa2, dyn")                           \
    FOP(fsub_##s, "fsub." #s " fa0, fa1, fa2, dyn")                           \
    FOP(fmul_##s, "fmul." #s " fa0, fa1, fa2, dyn")                           \
    FOP(fdiv_##s, "fdiv." #s " fa0, fa1, fa2, dyn")                           \
    FOP(fsqrt_##s, "fsqrt." #s " fa0, fa1, dyn")                              \
    FOP(fsgnj_##s, "fsgnj." #s " fa0, fa1, fa2")                              \
    FOP(fsgnjn_##s, "fsgnjn." #s " fa0, fa1, fa2")                            \
    FOP(fsgnjx_##s, "fsgnjx." #s " fa0, fa1, fa2")                            \
    FOP(fmin_##s, "fmin." #s " fa0, fa1, fa2")                                \
    FOP(fmax_##s, "fmax." #s " fa0, fa1, fa2")                                \
    XOP(fcvt_w_##s, "fcvt.w." #s " %[r], fa1, dyn")                           \
    XOP(fcvt_wu_##s, "fcvt.wu." #s " %[r], fa1, dyn")                         \
    XOP(fcvt_l_##s, "fcvt.l." #s " %[r], fa1, dyn")                           \
    XOP(fcvt_lu_##s, "fcvt.lu." #s " %[r], fa1, dyn")                         \
    FOP(fcvt_##s##_w, CVT_FROM_W(S, "x0"))                                    \
    FOP(fcvt_##s##_wu, CVT_FROM_W(S, "x1"))                                   \
    FOP(fcvt_##s##_l, "fcvt." #s ".l fa0, %[a], dyn")                         \
    FOP(fcvt_##s##_lu, "fcvt." #s ".lu fa0, %[a], dyn")                       \
    XOP(feq_##s, "feq." #s " %[r], fa1, fa2")                                 \
    XOP(flt_##s, "flt." #s " %[r], fa1, fa2")                                 \
    XOP(fle_##s, "fle." #s " %[r], fa1, fa2")                                 \
    XOP(fclass_##s, "fclass." #s " %[r], fa1")

FORMATS(S, s)
FORMATS(D, d)
FOP(fcvt_s_d, "fcvt.s.d fa0, fa1, dyn")
FOP(fcvt_d_s, ".insn r OP_FP, 7, 0x21, fa0, fa1, f0") /* fcvt.d.s fa0, fa1, dyn */
XOP(fmv_x_w, "fmv.x.w %[r], fa1")
FOP(fmv_w_x, "fmv.w.x fa0, %[a]")
XOP(fmv_x_d, "fmv.x.d %[r], fa1")
FOP(fmv_d_x, "fmv.d.x fa0, %[a]")

/* ---- driver ---------------------------------------------------------------- */

/* Which rounding modes to run an operation under. */
#define ALL_MODES 0x1f /* RNE RTZ RDN RUP RMM */
#define RNE 0x01
#define RNE_RDN 0x05

static void run(const char *name, op_fn fn, int nsrc, u64 a, u64 b, u64 c, u32 modes)
{
    for (u64 rm = 0; rm < 5; rm++) {
        if (!(modes & (1u << rm)))
            continue;
        u64 flags;
        u64 r = fn(a, b, c, rm, &flags);
        puts_(name);
        put(' ');
        hex(rm, 1);
        u64 src[3] = {a, b, c};
        for (int i = 0; i < 3; i++) {
            put(' ');
            if (i < nsrc)
                hex(src[i], 16);
            else
                put('-');
        }
        put(' ');
        hex(r, 16);
        put(' ');
        hex(flags, 2);
        put('\n');
    }
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define S(bits) (0xffffffff00000000ul | (bits))

/* Singles for the all-pairs tables (NaN-boxed unless noted). */
static const u64 s_pairs[] = {
    S(0x00000000), S(0x80000000), S(0x3f800000), S(0xbfc00000), /* +0 -0 1 -1.5 */
    S(0x00000001), S(0x00800000), S(0x7f7fffff),                /* min sub, min normal, max */
    S(0x7f800000), S(0xff800000), S(0x7fc00000), S(0x7f800001), /* +inf -inf qNaN sNaN */
    0x000000003f800000ul,                                       /* 1.0, not boxed */
};

static const u64 d_pairs[] = {
    0x0000000000000000ul, 0x8000000000000000ul, 0x3ff0000000000000ul, 0xbff8000000000000ul,
    0x0000000000000001ul, 0x0010000000000000ul, 0x7fefffffffffffff,
    0x7ff0000000000000ul, 0xfff0000000000000ul, 0x7ff8000000000000ul, 0x7ff0000000000001ul,
    0xffffffff3f800000ul, /* a boxed single: a negative quiet NaN as a double */
};

/* Sign injection needs fewer pairs. */
static const u64 s_sign[] = {
    S(0x00000000), S(0xbfc00000), S(0xff800000), S(0xffc12345), S(0x7f800001),
    0xfffffffe3f800000ul, /* upper half not all ones */
};
static const u64 d_sign[] = {
    0x0000000000000000ul, 0xbff8000000000000ul, 0xfff0000000000000ul,
    0xfff8000000012345ul, 0x7ff0000000000001ul, 0x000000003f800000ul,
};

/* Singles for the one-operand tables: conversions, sqrt, class. */
static const u64 s_one[] = {
    S(0x00000000), S(0x80000000), S(0x3f800000), S(0xbf800000),
    S(0x3f000000), S(0xbf000000), S(0x3fc00000), S(0xbfc00000), /* +-0.5 +-1.5 */
    S(0x40200000), S(0xc0200000), S(0x3dcccccd), S(0x4b7fffff), /* +-2.5 0.1 2^24-1 */
    S(0x4effffff), S(0x4f000000), S(0xcf000000), S(0xcf000001), /* 2^31 edges */
    S(0x4f7fffff), S(0x4f800000), S(0xbf7fffff),                /* 2^32 edges, -(1-2^-24) */
    S(0x5effffff), S(0x5f000000), S(0xdf000000), S(0xdf000001), /* 2^63 edges */
    S(0x5f7fffff), S(0x5f800000), S(0xe0ad78ec),                /* 2^64 edges, -1e20 */
    S(0x00000001), S(0x007fffff), S(0x80000001), S(0x80800000), /* subnormals, -min normal */
    S(0x7f7fffff), S(0xff7fffff), S(0x7f800000), S(0xff800000),
    S(0x7fc00000), S(0x7f800001), S(0xffc12345), S(0xff800123),
    0x000000003f800000ul, 0x7fffffff3f800000ul, /* not boxed */
};

static const u64 d_one[] = {
    0x0000000000000000ul, 0x8000000000000000ul, 0x3ff0000000000000ul, 0xbff0000000000000ul,
    0x3fe0000000000000ul, 0xbfe0000000000000ul, 0x3ff8000000000000ul, 0xbff8000000000000ul,
    0x4004000000000000ul, 0xc004000000000000ul, 0x3fb999999999999aul, 0x3fd5555555555555ul,
    0x41dfffffffc00000ul, 0x41dfffffffe00000ul, 0x41e0000000000000ul,                       /* 2^31-1, -0.5, 2^31 */
    0xc1e0000000000000ul, 0xc1e0000000100000ul, 0xc1e0000000200000ul,                       /* -2^31, -0.5, -1 */
    0x41efffffffe00000ul, 0x41efffffffF00000ul, 0x41f0000000000000ul, 0xbfefffffffffffff, /* 2^32 edges */
    0x43dfffffffffffff, 0x43e0000000000000ul, 0xc3e0000000000000ul, 0xc3e0000000000001ul, /* 2^63 edges */
    0x43efffffffffffff, 0x43f0000000000000ul,                                               /* 2^64 edges */
    0x3ff0000010000000ul, 0x3ff0000010000001ul, 0x3ff0000030000000ul, /* single ties and near-ties */
    0x47efffffffffffff, 0x47efffffe0000000ul, 0x47effffff0000000ul,    /* around single max */
    0x36a0000000000000ul, 0x3690000000000000ul, 0x3698000000000000ul,  /* around single min sub */
    0x380ffffff0000000ul, 0x380fffffe0000000ul, /* just below single min normal */
    0x7e37e43c8800759cul, 0x01a56e1fc2f8f359ul, /* 1e300, 1e-300 */
    0x0000000000000001ul, 0x000fffffffffffff, 0x8000000000000001ul, 0x8010000000000000ul,
    0x7fefffffffffffff, 0xffefffffffffffff, 0x7ff0000000000000ul, 0xfff0000000000000ul,
    0x7ff8000000000000ul, 0x7ff0000000000001ul, 0xfff8000000012345ul, 0xfff0000000000123ul,
};

/* Integer sources (x registers) for conversions to float. */
static const u64 ints[] = {
    0, 1, 0xfffffffffffffffful, 0x7fffffff, 0x80000000, 0xffffffff80000000ul,
    0xffffffff, 0x1000001, 0x1000003, 0x20000000000001ul, 0x7ffffffffffffffful,
    0x8000000000000000ul, 0x123456789abcdef0ul, 0xfedcba9876543210ul, 0x100000005ul,
    0xfffffffffffffffbul,
};

/* Pairs chosen for rounding, overflow and underflow, run in every mode. */
static const u64 s_edge[][2] = {
    {S(0x3f800000), S(0x40400000)}, /* 1, 3 */
    {S(0xbf800000), S(0x40400000)}, /* -1, 3 */
    {S(0x7f7fffff), S(0x7f7fffff)}, /* max, max */
    {S(0xff7fffff), S(0x40000000)}, /* -max, 2 */
    {S(0x00800000), S(0x3f000000)}, /* min normal, 0.5: exact subnormal */
    {S(0x00000001), S(0x3f000000)}, /* min sub, 0.5: a tie to zero */
    {S(0x00000003), S(0x3f000000)}, /* 3 min sub, 0.5 */
    {S(0x3f7fffff), S(0x00800000)}, /* (1 - 2^-24) * min normal */
    {S(0x32918e00), S(0x0d612000)}, /* product min normal * (1 - 2^-25) */
    {S(0x4b800000), S(0x3f800000)}, /* 2^24, 1 */
    {S(0x3f800001), S(0x3f7fffff)}, /* 1 + ulp, 1 - ulp/2 */
    {S(0x3f800000), S(0x80000000)}, /* 1, -0 */
};

static const u64 d_edge[][2] = {
    {0x3ff0000000000000ul, 0x4008000000000000ul},
    {0xbff0000000000000ul, 0x4008000000000000ul},
    {0x7fefffffffffffff, 0x7fefffffffffffff},
    {0xffefffffffffffff, 0x4000000000000000ul},
    {0x0010000000000000ul, 0x3fe0000000000000ul},
    {0x0000000000000001ul, 0x3fe0000000000000ul},
    {0x0000000000000003ul, 0x3fe0000000000000ul},
    {0x3fefffffffffffff, 0x0010000000000000ul},
    {0x3feffffffc000000ul, 0x0010000002000000ul}, /* product min normal * (1 - 2^-54) */
    {0x4340000000000000ul, 0x3ff0000000000000ul}, /* 2^53, 1 */
    {0x3ff0000000000001ul, 0x3fefffffffffffff},
    {0x3ff0000000000000ul, 0x8000000000000000ul},
};

/* Multiply-add: special values, and the signs of exact zero results. */
static const u64 s_fma[] = {S(0x00000000), S(0x3f800000), S(0x7f800000), S(0x7fc00000), S(0x7f800001)};
static const u64 d_fma[] = {0, 0x3ff0000000000000ul, 0x7ff0000000000000ul, 0x7ff8000000000000ul,
                            0x7ff0000000000001ul};
static const u64 s_zero[] = {S(0x00000000), S(0x80000000)};
static const u64 s_unit[] = {S(0x3f800000), S(0xbf800000)};
static const u64 d_zero[] = {0, 0x8000000000000000ul};
static const u64 d_unit[] = {0x3ff0000000000000ul, 0xbff0000000000000ul};

static u64 rng = 0x9e3779b97f4a7c15ul;

static u64 next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random finite values with exponents near 1.0, so sums round. */
static u64 rand_s(void)
{
    u64 r = next();
    u64 exp = 127 - 8 + (r >> 32) % 17;
    return S(((r >> 63) << 31) | (exp << 23) | (r & 0x7fffff));
}

static u64 rand_d(void)
{
    u64 r = next();
    u64 exp = 1023 - 8 + (next() % 17);
    return ((r >> 63) << 63) | (exp << 52) | (r & 0xffffffffffffful);
}

struct fmt {
    op_fn fmadd, fmsub, fnmsub, fnmadd, fadd, fsub, fmul, fdiv, fsqrt;
    op_fn fsgnj, fsgnjn, fsgnjx, fmin, fmax, fcvt_w, fcvt_wu, fcvt_l, fcvt_lu;
    op_fn fcvt_from_w, fcvt_from_wu, fcvt_from_l, fcvt_from_lu, feq, flt, fle, fclass;
    const char *n[26];
    const u64 *pairs, *sign, *one, *fma, *zero, *unit;
    const u64 (*edge)[2];
    u32 npairs, nsign, none, nfma, nedge;
    u64 (*rand)(void);
};

#define NAMES(s)                                                                        \
    {"fmadd." s, "fmsub." s, "fnmsub." s, "fnmadd." s, "fadd." s, "fsub." s, "fmul." s, \
     "fdiv." s, "fsqrt." s, "fsgnj." s, "fsgnjn." s, "fsgnjx." s, "fmin." s, "fmax." s,  \
     "fcvt.w." s, "fcvt.wu." s, "fcvt.l." s, "fcvt.lu." s, "fcvt." s ".w",               \
     "fcvt." s ".wu", "fcvt." s ".l", "fcvt." s ".lu", "feq." s, "flt." s, "fle." s,     \
     "fclass." s}

#define FMT(s, p)                                                                          \
    {fmadd_##s, fmsub_##s, fnmsub_##s, fnmadd_##s, fadd_##s, fsub_##s, fmul_##s, fdiv_##s, \
     fsqrt_##s, fsgnj_##s, fsgnjn_##s, fsgnjx_##s, fmin_##s, fmax_##s, fcvt_w_##s,         \
     fcvt_wu_##s, fcvt_l_##s, fcvt_lu_##s, fcvt_##s##_w, fcvt_##s##_wu, fcvt_##s##_l,      \
     fcvt_##s##_lu, feq_##s, flt_##s, fle_##s, fclass_##s, NAMES(#s),                      \
     p##_pairs, p##_sign, p##_one, p##_fma, p##_zero, p##_unit, p##_edge,                  \
     N(p##_pairs), N(p##_sign), N(p##_one), N(p##_fma), N(p##_edge), rand_##s}

static void format_tables(const struct fmt *f)
{
    /* Arithmetic on all pairs of special values: add and sub under RNE and
       RDN (the sign of an exact zero sum depends on it), mul and div under
       RNE. Comparisons and min/max do not round. */
    for (u32 i = 0; i < f->npairs; i++) {
        for (u32 j = 0; j < f->npairs; j++) {
            u64 a = f->pairs[i], b = f->pairs[j];
            run(f->n[4], f->fadd, 2, a, b, 0, RNE_RDN);
            run(f->n[5], f->fsub, 2, a, b, 0, RNE_RDN);
            run(f->n[6], f->fmul, 2, a, b, 0, RNE);
            run(f->n[7], f->fdiv, 2, a, b, 0, RNE);
            run(f->n[12], f->fmin, 2, a, b, 0, RNE);
            run(f->n[13], f->fmax, 2, a, b, 0, RNE);
            run(f->n[22], f->feq, 2, a, b, 0, RNE);
            run(f->n[23], f->flt, 2, a, b, 0, RNE);
            run(f->n[24], f->fle, 2, a, b, 0, RNE);
        }
    }
    for (u32 i = 0; i < f->nsign; i++) {
        for (u32 j = 0; j < f->nsign; j++) {
            run(f->n[9], f->fsgnj, 2, f->sign[i], f->sign[j], 0, RNE);
            run(f->n[10], f->fsgnjn, 2, f->sign[i], f->sign[j], 0, RNE);
            run(f->n[11], f->fsgnjx, 2, f->sign[i], f->sign[j], 0, RNE);
        }
    }
    /* Rounding-sensitive pairs, both orders, every mode. */
    for (u32 i = 0; i < f->nedge; i++) {
        for (int swap = 0; swap < 2; swap++) {
            u64 a = f->edge[i][swap], b = f->edge[i][!swap];
            run(f->n[4], f->fadd, 2, a, b, 0, ALL_MODES);
            run(f->n[5], f->fsub, 2, a, b, 0, ALL_MODES);
            run(f->n[6], f->fmul, 2, a, b, 0, ALL_MODES);
            run(f->n[7], f->fdiv, 2, a, b, 0, ALL_MODES);
        }
    }
    for (u32 i = 0; i < 16; i++) {
        u64 a = f->rand(), b = f->rand();
        run(f->n[4], f->fadd, 2, a, b, 0, ALL_MODES);
        run(f->n[5], f->fsub, 2, a, b, 0, ALL_MODES);
        run(f->n[6], f->fmul, 2, a, b, 0, ALL_MODES);
        run(f->n[7], f->fdiv, 2, a, b, 0, ALL_MODES);
    }
    /* Multiply-add. */
    for (u32 i = 0; i < f->nfma; i++)
        for (u32 j = 0; j < f->nfma; j++)
            for (u32 k = 0; k < f->nfma; k++)
                run(f->n[0], f->fmadd, 3, f->fma[i], f->fma[j], f->fma[k], RNE);
    for (u32 i = 0; i < 8; i++) {
        u64 a = f->zero[i & 1], b = f->unit[(i >> 1) & 1], c = f->zero[i >> 2];
        for (u32 op = 0; op < 4; op++) {
            op_fn fn = op == 0 ? f->fmadd : op == 1 ? f->fmsub : op == 2 ? f->fnmsub : f->fnmadd;
            run(f->n[op], fn, 3, a, b, c, RNE_RDN);
        }
    }
    for (u32 i = 0; i < 8; i++) {
        u64 a = f->rand(), b = f->rand(), c = f->rand();
        run(f->n[0], f->fmadd, 3, a, b, c, ALL_MODES);
        run(f->n[1], f->fmsub, 3, a, b, c, ALL_MODES);
        run(f->n[2], f->fnmsub, 3, a, b, c, ALL_MODES);
        run(f->n[3], f->fnmadd, 3, a, b, c, ALL_MODES);
    }
    /* One-operand operations. */
    for (u32 i = 0; i < f->none; i++) {
        u64 a = f->one[i];
        run(f->n[8], f->fsqrt, 1, a, 0, 0, ALL_MODES);
        run(f->n[14], f->fcvt_w, 1, a, 0, 0, ALL_MODES);
        run(f->n[15], f->fcvt_wu, 1, a, 0, 0, ALL_MODES);
        run(f->n[16], f->fcvt_l, 1, a, 0, 0, ALL_MODES);
        run(f->n[17], f->fcvt_lu, 1, a, 0, 0, ALL_MODES);
        run(f->n[25], f->fclass, 1, a, 0, 0, RNE);
    }
    for (u32 i = 0; i < N(ints); i++) {
        run(f->n[18], f->fcvt_from_w, 1, ints[i], 0, 0, ALL_MODES);
        run(f->n[19], f->fcvt_from_wu, 1, ints[i], 0, 0, ALL_MODES);
        run(f->n[20], f->fcvt_from_l, 1, ints[i], 0, 0, ALL_MODES);
        run(f->n[21], f->fcvt_from_lu, 1, ints[i], 0, 0, ALL_MODES);
    }
}

static const struct fmt single = FMT(s, s);
static const struct fmt dbl = FMT(d, d);

int main(void)
{
    format_tables(&single);
    format_tables(&dbl);
    for (u32 i = 0; i < N(s_one); i++) {
        run("fcvt.d.s", fcvt_d_s, 1, s_one[i], 0, 0, RNE);
        run("fmv.x.w", fmv_x_w, 1, s_one[i], 0, 0, RNE);
    }
    for (u32 i = 0; i < N(d_one); i++) {
        run("fcvt.s.d", fcvt_s_d, 1, d_one[i], 0, 0, ALL_MODES);
        run("fmv.x.d", fmv_x_d, 1, d_one[i], 0, 0, RNE);
    }
    for (u32 i = 0; i < N(ints); i++) {
        run("fmv.w.x", fmv_w_x, 1, ints[i], 0, 0, RNE);
        run("fmv.d.x", fmv_d_x, 1, ints[i], 0, 0, RNE);
    }
    flush();
    return 0;
}

void __attribute__((noreturn, section(".text.start"))) _start(void)
{
    sys_exit(main());
}
