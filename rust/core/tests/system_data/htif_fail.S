/* A reported failure: code 21 in tohost. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    FAIL 21
    HTIF_WORDS
