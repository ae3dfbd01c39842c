/* A CPU-bound floating-point workload for benchmarks and tests: each round
 * multiplies two small double matrices, integrates an n-body style set of
 * points for a few steps (sqrt, division, fused multiply-add), and runs a
 * single-precision dot product and polynomial. argv[1] is the number of
 * rounds (default 1). Prints one checksum line built from the exact bits of
 * the results, so any rounding difference shows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAT 10
#define BODIES 8
#define VEC 256

static double a[MAT][MAT], b[MAT][MAT], c[MAT][MAT];
static double px[BODIES], py[BODIES], vx[BODIES], vy[BODIES], m[BODIES];
static float fx[VEC], fy[VEC];

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static void setup(void)
{
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            a[i][j] = (double)(i + 1) / (j + 2);
            b[i][j] = (double)(j - i) * 0.25 + 1.0 / (i + j + 1);
        }
    for (int i = 0; i < BODIES; i++) {
        px[i] = cos(i * 0.7) * (i + 1);
        py[i] = sin(i * 0.7) * (i + 1);
        vx[i] = -py[i] * 0.01;
        vy[i] = px[i] * 0.01;
        m[i] = 1.0 + i * 0.125;
    }
    for (int i = 0; i < VEC; i++) {
        fx[i] = (float)i * 0.5f - 31.0f;
        fy[i] = 1.0f / (float)(i + 3);
    }
}

static double matmul(void)
{
    double t = 0;
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            double s = 0;
            for (int k = 0; k < MAT; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
            t += s;
        }
    /* Feed the result back so rounds differ. */
    for (int i = 0; i < MAT; i++)
        a[i][(i * 3) % MAT] = c[i][i] * 1e-3 + 0.5;
    return t;
}

static double nbody(int steps)
{
    const double dt = 0.01;
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++) {
            double ax = 0, ay = 0;
            for (int j = 0; j < BODIES; j++) {
                if (i == j)
                    continue;
                double dx = px[j] - px[i], dy = py[j] - py[i];
                double d2 = dx * dx + dy * dy + 0.01;
                double inv = 1.0 / (d2 * sqrt(d2));
                ax += dx * m[j] * inv;
                ay += dy * m[j] * inv;
            }
            vx[i] += ax * dt;
            vy[i] += ay * dt;
        }
        for (int i = 0; i < BODIES; i++) {
            px[i] += vx[i] * dt;
            py[i] += vy[i] * dt;
        }
    }
    double e = 0;
    for (int i = 0; i < BODIES; i++)
        e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i]);
    return e;
}

static float single(void)
{
    float dot = 0, poly = 0;
    for (int i = 0; i < VEC; i++) {
        dot = fmaf(fx[i], fy[i], dot);
        float x = fy[i];
        poly += ((x * 0.25f - 1.5f) * x + 2.0f) * x - fminf(x, 0.1f) + fmaxf(x, 0.2f);
    }
    for (int i = 0; i < VEC; i++)
        fy[i] = fy[i] * 0.999f + (float)(i & 7) * 1e-4f;
    return dot + poly / (float)VEC;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    setup();
    uint64_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        double t = matmul();
        double e = nbody(4);
        float f = single();
        uint32_t fb;
        memcpy(&fb, &f, sizeof fb);
        sum = (sum * 31) ^ bits(t) ^ (bits(e) << 1) ^ fb ^ (uint64_t)(long)(t * 1000.0);
    }
    printf("rounds=%ld checksum=%016llx\n", rounds, (unsigned long long)sum);
    return 0;
}
