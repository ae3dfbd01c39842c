/* A CPU-bound integer workload for benchmarks and tests: each round fills a
 * buffer from a linear congruential generator, takes its CRC-32 (bitwise
 * table-free and table-driven), insertion-sorts a small array and multiplies
 * two small integer matrices. argv[1] is the number of rounds (default 1);
 * about 100k instructions per round. Prints one checksum line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BUF 2048
#define SORT 48
#define MAT 12

static uint32_t lcg_state = 12345;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

/* The bit-at-a-time form: branches and shifts rather than loads. */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static void insertion_sort(int32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void matmul(int64_t c[MAT][MAT], int32_t a[MAT][MAT], int32_t b[MAT][MAT])
{
    for (int i = 0; i < MAT; i++)
        for (int j = 0; j < MAT; j++) {
            int64_t s = 0;
            for (int k = 0; k < MAT; k++)
                s += (int64_t)a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    static uint8_t buf[BUF];
    static int32_t arr[SORT], ma[MAT][MAT], mb[MAT][MAT];
    static int64_t mc[MAT][MAT];
    uint64_t sum = 0;

    crc_init();
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < BUF; i++)
            buf[i] = (uint8_t)lcg();
        sum = sum * 31 + crc32_table(buf, BUF);
        sum = sum * 31 + crc32_bitwise(buf, BUF / 8);

        for (int i = 0; i < SORT; i++)
            arr[i] = (int32_t)lcg() - (1 << 23);
        insertion_sort(arr, SORT);
        sum = sum * 31 + (uint32_t)(arr[0] ^ arr[SORT / 2] ^ arr[SORT - 1]);

        for (int i = 0; i < MAT; i++)
            for (int j = 0; j < MAT; j++) {
                ma[i][j] = (int32_t)(lcg() & 0xffff) - 0x8000;
                mb[i][j] = (int32_t)(lcg() & 0xffff) - 0x8000;
            }
        matmul(mc, ma, mb);
        for (int i = 0; i < MAT; i++)
            sum = sum * 31 + (uint64_t)mc[i][(i * 5) % MAT];
    }
    printf("rounds=%ld checksum=%016llx\n", rounds, (unsigned long long)sum);
    return 0;
}
