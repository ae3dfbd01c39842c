/* Signals seen from a glibc program. argv[1] names one scenario:
 *
 *   segv       SIGSEGV handlers that siglongjmp out of a read of an unmapped
 *              address, a write to a read-only page and a jump to nowhere
 *   ill        SIGILL and SIGTRAP handlers that skip the instruction and
 *              change registers through uc_mcontext (restored by sigreturn)
 *   altstack   stack overflow handled on a sigaltstack; SS_AUTODISARM
 *   raise      SA_SIGINFO contents, masks, SA_NODEFER, SA_RESETHAND,
 *              pending and queued signals, nesting order, sigsuspend
 *   abort      abort() with and without a SIGABRT handler (killed, 134)
 *   pipe       write to a pipe without readers: killed by SIGPIPE (141)
 *   pipe-ign   the same with SIGPIPE ignored: EPIPE
 *   pipe-catch the same with a handler: handler, then EPIPE
 *   alarm      setitimer/alarm: pause and nanosleep interrupted by SIGALRM
 *   alarm-kill SIGALRM with its default action (killed, 142)
 *   alarm-spin SIGALRM interrupting a loop that makes no syscalls
 *   read-restart a blocking pipe read interrupted by SIGALRM: restarted
 *              with SA_RESTART, EINTR without
 *   term       kill(getpid(), SIGTERM) (killed, 143)
 *   nested-segv a fault inside a SIGSEGV handler (killed, 139)
 *   bus        a misaligned atomic: SIGBUS with BUS_ADRALN and si_addr
 *   bad-stack  a signal while sp points at nothing: the frame cannot be
 *              written (killed by SIGSEGV, 139)
 *   bad-sigreturn rt_sigreturn with garbage where the frame should be
 *              (killed by SIGSEGV, 139)
 *
 * Output goes through write(2) so nothing is lost when a signal kills the
 * program. Addresses are never printed, only compared. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <time.h>
#include <unistd.h>

/* linux/signal.h; glibc does not define it. */
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static void say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    if (write(1, buf, n) != n)
        _exit(99);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask)
        sa.sa_mask = *mask;
    if (sigaction(sig, &sa, NULL) != 0) {
        say("sigaction %d failed\n", sig);
        _exit(98);
    }
}

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

/* ---- segv ---------------------------------------------------------------- */

static sigjmp_buf jump;
static volatile int got_sig, got_code;
static void *volatile got_addr;
static volatile uintptr_t got_pc;

static void catch_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    got_sig = si->si_signo == sig ? sig : -1;
    got_code = si->si_code;
    got_addr = si->si_addr;
    got_pc = uc->uc_mcontext.__gregs[REG_PC];
    siglongjmp(jump, 1);
}

static int segv(void)
{
    on(SIGSEGV, catch_segv, 0, NULL);

    if (sigsetjmp(jump, 1) == 0) {
        volatile int *p = (int *)0x10;
        say("read %d\n", *p);
    }
    say("read unmapped: sig=%d code=%d addr ok=%d\n", got_sig, got_code, got_addr == (void *)0x10);
    say("SIGSEGV blocked after siglongjmp: %d\n", blocked(SIGSEGV));

    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jump, 1) == 0) {
        *(volatile char *)(ro + 8) = 1;
        say("wrote to a read-only page\n");
    }
    say("write read-only: sig=%d code=%d addr ok=%d\n", got_sig, got_code, got_addr == ro + 8);

    if (sigsetjmp(jump, 1) == 0) {
        void (*volatile nowhere)(void) = (void (*)(void))0x2000;
        nowhere();
    }
    say("jump to nowhere: sig=%d code=%d addr ok=%d pc ok=%d\n", got_sig, got_code, got_addr == (void *)0x2000,
        got_pc == 0x2000);
    return 0;
}

/* ---- ill ------------------------------------------------------------------ */

static volatile uintptr_t ill_at;

static void skip_insn(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    say("%s: code=%d addr ok=%d pc ok=%d\n", sig == SIGILL ? "SIGILL" : "SIGTRAP", si->si_code,
        (uintptr_t)si->si_addr == ill_at, uc->uc_mcontext.__gregs[REG_PC] == ill_at);
    /* Step over the 4-byte instruction and hand values back through the
     * saved registers: a0, fa0 and the rounding mode in fcsr. */
    uc->uc_mcontext.__gregs[REG_PC] += 4;
    uc->uc_mcontext.__gregs[REG_A0] = 42;
    double d = 2.5;
    memcpy(&uc->uc_mcontext.__fpregs.__d.__f[10], &d, sizeof d);
    uc->uc_mcontext.__fpregs.__d.__fcsr = 1 << 5; /* frm = RTZ */
}

static int ill(void)
{
    on(SIGILL, skip_insn, 0, NULL);
    on(SIGTRAP, skip_insn, 0, NULL);
    long a0;
    double fa0;
    unsigned long fcsr;
    __asm__ volatile("lla t0, 1f\n\t"
                     "sd t0, %3\n\t"
                     "li a0, 7\n\t"
                     "fmv.d.x fa0, zero\n\t"
                     "1: .4byte 0xc0001073\n\t" /* unimp: csrrw zero, cycle, zero */
                     "mv %0, a0\n\t"
                     "fmv.d %1, fa0\n\t"
                     "frcsr %2\n\t"
                     "fscsr zero\n\t"
                     : "=r"(a0), "=f"(fa0), "=r"(fcsr), "=m"(ill_at)
                     :
                     : "t0", "a0", "fa0", "memory");
    say("after SIGILL: a0=%ld fa0=%g frm=%lu\n", a0, fa0, fcsr >> 5);
    __asm__ volatile("lla t0, 1f\n\t"
                     "sd t0, %1\n\t"
                     "li a0, 7\n\t"
                     "1: .4byte 0x00100073\n\t" /* ebreak */
                     "mv %0, a0\n\t"
                     "fscsr zero\n\t"
                     : "=r"(a0), "=m"(ill_at)
                     :
                     : "t0", "a0", "fa0", "memory");
    say("after SIGTRAP: a0=%ld\n", a0);
    return 0;
}

/* ---- altstack ----------------------------------------------------------- */

static char alt[65536] __attribute__((aligned(16)));
static volatile int on_alt, alt_flags_in_handler, uc_stack_ok;

static void overflow_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    char here;
    stack_t cur;
    on_alt = &here >= alt && &here < alt + sizeof alt;
    sigaltstack(NULL, &cur);
    alt_flags_in_handler = cur.ss_flags;
    uc_stack_ok = uc->uc_stack.ss_sp == alt && uc->uc_stack.ss_size == sizeof alt;
    siglongjmp(jump, 1);
}

static int recurse(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}

static volatile int autodisarm_flags = -1;

static void autodisarm_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    (void)ctx;
    char here;
    stack_t cur;
    sigaltstack(NULL, &cur);
    autodisarm_flags = cur.ss_flags;
    on_alt = &here >= alt && &here < alt + sizeof alt;
}

static int altstack(void)
{
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    stack_t old;
    if (sigaltstack(&ss, &old) != 0)
        return 1;
    say("initial altstack flags=%d\n", old.ss_flags);
    on(SIGSEGV, overflow_handler, SA_ONSTACK, NULL);
    if (sigsetjmp(jump, 1) == 0)
        recurse(0);
    sigaltstack(NULL, &old);
    say("overflow caught: on altstack=%d flags in handler=%d uc_stack ok=%d flags after=%d\n", on_alt,
        alt_flags_in_handler, uc_stack_ok, old.ss_flags);

    ss.ss_flags = SS_AUTODISARM;
    say("autodisarm set: %d\n", sigaltstack(&ss, NULL));
    on(SIGUSR1, autodisarm_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    sigaltstack(NULL, &old);
    say("autodisarm: on altstack=%d flags in handler=%d flags after=%#x\n", on_alt, autodisarm_flags,
        (unsigned)old.ss_flags);
    ss.ss_size = 100;
    errno = 0;
    say("tiny altstack: %d errno=%d\n", sigaltstack(&ss, NULL), errno);
    return 0;
}

/* ---- raise ---------------------------------------------------------------- */

static volatile int usr1_blocked, usr2_blocked, value;

static void info_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    say("handler %d: signo=%d code=%d pid ok=%d uid ok=%d usr1 blocked=%d usr2 blocked=%d\n", sig, si->si_signo,
        si->si_code, si->si_pid == getpid(), si->si_uid == getuid(), blocked(SIGUSR1), blocked(SIGUSR2));
    if (si->si_code == SI_QUEUE)
        say("  value=%d\n", si->si_value.sival_int);
}

static void count_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    (void)ctx;
    say("count %d\n", sig == SIGRTMIN ? 100 : sig);
}

static int raise_test(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    on(SIGUSR1, info_handler, 0, &mask);
    say("raise: %d\n", raise(SIGUSR1));
    say("after: usr1 blocked=%d usr2 blocked=%d\n", blocked(SIGUSR1), blocked(SIGUSR2));

    on(SIGUSR2, info_handler, SA_NODEFER | SA_RESETHAND, NULL);
    kill(getpid(), SIGUSR2);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    say("SA_RESETHAND: default now=%d flags kept=%d\n", cur.sa_handler == SIG_DFL,
        (cur.sa_flags & SA_RESETHAND) != 0);

    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 77});

    /* Blocked signals wait; a standard signal is pending once, a real-time
     * one as often as it was sent. */
    on(SIGUSR1, count_handler, 0, NULL);
    on(SIGRTMIN, count_handler, 0, NULL);
    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &both, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGRTMIN);
    raise(SIGRTMIN);
    sigset_t pend;
    sigpending(&pend);
    say("pending: usr1=%d rtmin=%d usr2=%d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGRTMIN),
        sigismember(&pend, SIGUSR2));
    say("unblocking\n");
    sigprocmask(SIG_UNBLOCK, &both, NULL);
    say("unblocked\n");

    /* Two signals made deliverable at once: the lower one is set up first,
     * the higher one on top of it, so the higher handler runs first. */
    on(SIGUSR2, count_handler, 0, NULL);
    sigemptyset(&both);
    sigaddset(&both, SIGUSR1);
    sigaddset(&both, SIGUSR2);
    sigprocmask(SIG_BLOCK, &both, NULL);
    raise(SIGUSR2);
    raise(SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &both, NULL);

    /* Ignored signals are discarded, even when blocked. */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    raise(SIGCHLD);
    say("ignored signals did nothing\n");

    /* sigsuspend: wait with SIGUSR1 unblocked for a signal already pending. */
    on(SIGUSR1, count_handler, 0, NULL);
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    raise(SIGUSR1);
    sigset_t empty;
    sigemptyset(&empty);
    errno = 0;
    int r = sigsuspend(&empty);
    say("sigsuspend=%d errno=%d usr1 blocked again=%d\n", r, errno, blocked(SIGUSR1));

    /* sigwaitinfo takes a pending signal without running its handler. */
    raise(SIGUSR1);
    siginfo_t si;
    r = sigwaitinfo(&mask, &si);
    say("sigwaitinfo=%d code=%d\n", r, si.si_code);
    struct timespec zero = {0, 0};
    errno = 0;
    r = sigtimedwait(&mask, &si, &zero);
    say("sigtimedwait nothing=%d errno=%d\n", r, errno);
    return 0;
}

/* ---- abort --------------------------------------------------------------- */

static void abort_handler(int sig)
{
    say("SIGABRT handler %d returns\n", sig);
}

static int abort_test(int with_handler)
{
    if (with_handler)
        signal(SIGABRT, abort_handler);
    say("aborting\n");
    abort();
}

/* ---- pipe ---------------------------------------------------------------- */

static void pipe_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    say("SIGPIPE handler: sig=%d code=%d pid ok=%d\n", sig, si->si_code, si->si_pid == getpid());
}

static int pipe_test(int how)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    close(fds[0]);
    if (how == 1)
        signal(SIGPIPE, SIG_IGN);
    if (how == 2)
        on(SIGPIPE, pipe_handler, 0, NULL);
    say("writing\n");
    errno = 0;
    ssize_t n = write(fds[1], "x", 1);
    say("write=%zd EPIPE=%d\n", n, errno == EPIPE);
    return 0;
}

/* ---- alarm --------------------------------------------------------------- */

static volatile int ticks;

static void tick(int sig)
{
    (void)sig;
    ticks++;
}

static int alarm_test(int kill_me)
{
    struct itimerval it = {.it_interval = {0, 0}, .it_value = {0, 20000}};
    if (kill_me) {
        setitimer(ITIMER_REAL, &it, NULL);
        say("sleeping\n");
        sleep(5);
        say("still alive\n");
        return 0;
    }
    signal(SIGALRM, tick);
    setitimer(ITIMER_REAL, &it, NULL);
    struct itimerval left;
    getitimer(ITIMER_REAL, &left);
    say("armed: left ok=%d\n", left.it_value.tv_sec == 0 && left.it_value.tv_usec > 0 &&
                                   left.it_value.tv_usec <= 20000);
    errno = 0;
    int r = pause();
    say("pause=%d errno=%d ticks=%d\n", r, errno, ticks);
    getitimer(ITIMER_REAL, &left);
    say("disarmed: %d\n", left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);

    /* A periodic timer interrupts nanosleep, which reports the time left. */
    it.it_interval.tv_usec = 10000;
    it.it_value.tv_usec = 10000;
    setitimer(ITIMER_REAL, &it, NULL);
    int interrupted = 0;
    while (ticks < 4) {
        struct timespec req = {2, 0}, rem = {0, 0};
        if (nanosleep(&req, &rem) == -1 && errno == EINTR && rem.tv_sec <= 2)
            interrupted++;
    }
    it.it_value.tv_usec = 0;
    setitimer(ITIMER_REAL, &it, &left);
    say("periodic: ticks=%d interrupted=%d interval=%ld\n", ticks, interrupted, (long)left.it_interval.tv_usec);
    say("alarm: %u then %u\n", alarm(10), alarm(0));
    return 0;
}

static int alarm_spin(void)
{
    signal(SIGALRM, tick);
    struct itimerval it = {.it_interval = {0, 0}, .it_value = {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (!ticks)
        ;
    say("spun until the alarm: ticks=%d\n", ticks);
    return 0;
}

static int rfd[2];

static void tick_and_write(int sig)
{
    (void)sig;
    ticks++;
    if (write(rfd[1], "x", 1) != 1)
        _exit(97);
}

static int read_restart(void)
{
    if (pipe(rfd) != 0)
        return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = tick_and_write;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {.it_interval = {0, 0}, .it_value = {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char c = '-';
    errno = 0;
    ssize_t n = read(rfd[0], &c, 1);
    say("SA_RESTART: read=%zd errno=%d byte=%c ticks=%d\n", n, errno, c, ticks);

    sa.sa_flags = 0;
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    c = '-';
    errno = 0;
    n = read(rfd[0], &c, 1);
    say("no SA_RESTART: read=%zd errno=%d byte=%c ticks=%d\n", n, errno, c, ticks);
    n = read(rfd[0], &c, 1);
    say("then: read=%zd byte=%c\n", n, c);
    return 0;
}

/* ---- nested segv ----------------------------------------------------------- */

static void bad_handler(int sig)
{
    (void)sig;
    say("in handler\n");
    *(volatile int *)0x18 = 1;
    say("not reached\n");
}

/* ---- hostile frames ------------------------------------------------------- */

static void never(int sig)
{
    say("handler %d ran\n", sig);
}

static int bus(void)
{
    on(SIGBUS, catch_segv, 0, NULL);
    static long words[2];
    char *odd = (char *)words + 1;
    if (sigsetjmp(jump, 1) == 0) {
        __asm__ volatile("amoadd.w zero, zero, (%0)" : : "r"(odd) : "memory");
        say("misaligned atomic passed\n");
    }
    say("misaligned atomic: sig=%d code=%d addr ok=%d\n", got_sig, got_code, got_addr == odd);
    return 0;
}

static int bad_stack(void)
{
    signal(SIGUSR1, never);
    say("raising with sp at 0x1000\n");
    long pid = getpid();
    /* kill(pid, SIGUSR1) with the stack pointer moved away: the handler's
     * frame would go below 0x1000, where nothing is mapped. */
    __asm__ volatile("mv t1, sp\n\t"
                     "li sp, 0x1000\n\t"
                     "mv a0, %0\n\t"
                     "li a1, 10\n\t"
                     "li a7, 129\n\t"
                     "ecall\n\t"
                     "mv sp, t1\n\t"
                     :
                     : "r"(pid)
                     : "t1", "a0", "a1", "a7", "memory");
    say("not reached\n");
    return 0;
}

static int bad_sigreturn(void)
{
    signal(SIGUSR1, never);
    say("returning from no signal\n");
    /* A frame whose extension header is garbage: the kernel refuses it. */
    static unsigned char junk[2048] __attribute__((aligned(16)));
    memset(junk, 0x5a, sizeof junk);
    __asm__ volatile("mv t1, sp\n\t"
                     "mv sp, %0\n\t"
                     "li a7, 139\n\t"
                     "ecall\n\t"
                     "mv sp, t1\n\t"
                     :
                     : "r"(junk)
                     : "t1", "a7", "memory");
    say("not reached\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        say("usage: %s SCENARIO\n", argv[0]);
        return 2;
    }
    const char *s = argv[1];
    if (!strcmp(s, "segv"))
        return segv();
    if (!strcmp(s, "ill"))
        return ill();
    if (!strcmp(s, "altstack"))
        return altstack();
    if (!strcmp(s, "raise"))
        return raise_test();
    if (!strcmp(s, "abort"))
        return abort_test(0);
    if (!strcmp(s, "abort-handler"))
        return abort_test(1);
    if (!strcmp(s, "pipe"))
        return pipe_test(0);
    if (!strcmp(s, "pipe-ign"))
        return pipe_test(1);
    if (!strcmp(s, "pipe-catch"))
        return pipe_test(2);
    if (!strcmp(s, "alarm"))
        return alarm_test(0);
    if (!strcmp(s, "alarm-kill"))
        return alarm_test(1);
    if (!strcmp(s, "alarm-spin"))
        return alarm_spin();
    if (!strcmp(s, "read-restart"))
        return read_restart();
    if (!strcmp(s, "term")) {
        say("terminating\n");
        kill(getpid(), SIGTERM);
        say("not reached\n");
        return 0;
    }
    if (!strcmp(s, "nested-segv")) {
        signal(SIGSEGV, bad_handler);
        *(volatile int *)0x10 = 1;
        return 0;
    }
    if (!strcmp(s, "bus"))
        return bus();
    if (!strcmp(s, "bad-stack"))
        return bad_stack();
    if (!strcmp(s, "bad-sigreturn"))
        return bad_sigreturn();
    say("unknown scenario %s\n", s);
    return 2;
}
