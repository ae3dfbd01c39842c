/* The memory-bound workload: membound MIB. Copies a MIB-sized buffer with
 * memcpy, then walks it with cache-line and page strides, several passes
 * each; the checksum folds in what the walks read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSES 4

static uint64_t strided_sum(const uint8_t *buf, size_t len, size_t stride)
{
    uint64_t sum = 0;
    for (size_t start = 0; start < stride; start += 8)
        for (size_t i = start; i + 8 <= len; i += stride) {
            uint64_t v;
            memcpy(&v, buf + i, 8);
            sum = sum * 3 + v;
        }
    return sum;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 32;
    size_t len = mib << 20;
    uint64_t *src = malloc(len), *dst = malloc(len);
    if (!src || !dst) {
        fprintf(stderr, "membound: out of memory\n");
        return 1;
    }
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < len / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        src[i] = x;
    }
    uint64_t sum = 0;
    for (int pass = 0; pass < PASSES; pass++) {
        memcpy(dst, src, len);
        dst[pass] ^= sum; /* make each pass's copy differ */
        sum ^= strided_sum((const uint8_t *)dst, len, 64);
        sum ^= strided_sum((const uint8_t *)dst, len, 4096) << 1;
        memcpy(src, dst, len);
    }
    printf("membound %zu %016llx\n", mib, (unsigned long long)sum);
    return 0;
}
