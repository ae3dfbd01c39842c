/* A CoreMark-class integer mix: linked-list search and sort, small matrix
 * arithmetic, a number-parsing state machine, all folded into a bitwise
 * CRC-32. Each round derives its data from the round number, so no round can
 * be hoisted out of the loop. */
#include "intmix.h"

#define LIST_LEN 96
#define MAT_N 12
#define TEXT_LEN 256

static uint32_t crc32_byte(uint32_t crc, uint32_t byte)
{
    crc ^= byte & 0xff;
    for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    return crc;
}

static uint32_t crc32_word(uint32_t crc, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        crc = crc32_byte(crc, v >> (8 * i));
    return crc;
}

static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* ---- linked list ---- */

struct node {
    struct node *next;
    int32_t key;
    int32_t val;
};

static struct node pool[LIST_LEN];

static struct node *list_build(uint32_t seed)
{
    struct node *head = 0;
    for (int i = 0; i < LIST_LEN; i++) {
        pool[i].key = (int32_t)(lcg(&seed) % 1000);
        pool[i].val = i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static struct node *list_reverse(struct node *head)
{
    struct node *prev = 0;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static struct node *list_find(struct node *head, int32_t key)
{
    while (head && head->key != key)
        head = head->next;
    return head;
}

/* Insertion sort by key: quadratic pointer chasing, as list code often is. */
static struct node *list_sort(struct node *head)
{
    struct node *sorted = 0;
    while (head) {
        struct node *n = head;
        head = head->next;
        struct node **at = &sorted;
        while (*at && (*at)->key < n->key)
            at = &(*at)->next;
        n->next = *at;
        *at = n;
    }
    return sorted;
}

static uint32_t list_work(uint32_t seed)
{
    struct node *head = list_reverse(list_build(seed));
    uint32_t acc = 0;
    for (int32_t k = 0; k < 1000; k += 37) {
        struct node *n = list_find(head, k);
        acc = acc * 31 + (n ? (uint32_t)n->val : 0xffu);
    }
    head = list_sort(head);
    for (int i = 0; head; head = head->next, i++)
        acc += (uint32_t)(head->key * (i + 1)) ^ (uint32_t)head->val;
    return acc;
}

/* ---- matrix ---- */

static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N];
static int64_t mat_c[MAT_N][MAT_N];

static uint32_t matrix_work(uint32_t seed)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (int32_t)(lcg(&seed) & 0xffff) - 0x8000;
            mat_b[i][j] = (int32_t)(lcg(&seed) & 0xfff);
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int64_t sum = 0;
            for (int k = 0; k < MAT_N; k++)
                sum += (int64_t)mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = sum;
        }
    uint32_t acc = 0;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int64_t v = mat_c[i][j];
            /* Bit-field extraction and a data-dependent branch, as in CoreMark. */
            uint32_t bits = (uint32_t)((v >> 2) & 0xf) * (uint32_t)((v >> 5) & 0x7f);
            acc += v > 0 ? bits : (uint32_t)-v % 97;
        }
    return acc;
}

/* ---- state machine ---- */

enum state { START, INT, SIGNED, FRAC, EXP, EXP_SIGNED, SCI, INVALID, NSTATES };

static const char alphabet[] = "0123456789+-.eE,x0123,";
static char text[TEXT_LEN];

static enum state step(enum state s, char c)
{
    int digit = c >= '0' && c <= '9';
    switch (s) {
    case START:
        if (digit) return INT;
        if (c == '+' || c == '-') return SIGNED;
        if (c == '.') return FRAC;
        return INVALID;
    case SIGNED:
        if (digit) return INT;
        if (c == '.') return FRAC;
        return INVALID;
    case INT:
        if (digit) return INT;
        if (c == '.') return FRAC;
        if (c == 'e' || c == 'E') return EXP;
        return INVALID;
    case FRAC:
        if (digit) return FRAC;
        if (c == 'e' || c == 'E') return EXP;
        return INVALID;
    case EXP:
        if (c == '+' || c == '-') return EXP_SIGNED;
        if (digit) return SCI;
        return INVALID;
    case EXP_SIGNED:
    case SCI:
        if (digit) return SCI;
        return INVALID;
    default:
        return INVALID;
    }
}

static uint32_t state_work(uint32_t seed)
{
    for (int i = 0; i < TEXT_LEN; i++)
        text[i] = alphabet[lcg(&seed) % (sizeof alphabet - 1)];
    uint32_t finals[NSTATES] = {0};
    enum state s = START;
    for (int i = 0; i < TEXT_LEN; i++) {
        if (text[i] == ',') {
            finals[s]++;
            s = START;
        } else {
            s = step(s, text[i]);
        }
    }
    finals[s]++;
    uint32_t acc = 0;
    for (int i = 0; i < NSTATES; i++)
        acc = acc * 7 + finals[i];
    return acc;
}

uint32_t intmix_run(uint32_t iterations)
{
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < iterations; i++) {
        crc = crc32_word(crc, list_work(i));
        crc = crc32_word(crc, matrix_work(i * 3 + 1));
        crc = crc32_word(crc, state_work(i * 7 + 2));
    }
    return ~crc;
}
