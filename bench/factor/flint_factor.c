/* FLINT comparison driver for bench/factor/run: reads one decimal number per
 * line on stdin and prints "N: p1 p2 ..." (GNU coreutils factor format, primes
 * ascending, repeated with multiplicity) using fmpz_factor.
 * Build: cc -O2 flint_factor.c -o flint_factor -lflint -lgmp */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <flint/fmpz.h>
#include <flint/fmpz_factor.h>

static char *trim(char *line) {
    while (isspace((unsigned char)*line)) ++line;
    char *end = line + strlen(line);
    while (end > line && isspace((unsigned char)end[-1])) *--end = '\0';
    return line;
}

/* fmpz_factor does not promise an order; the format wants primes ascending.
 * Insertion sort: a number has few distinct prime factors. */
static void sort_ascending(fmpz_factor_t factors) {
    for (slong i = 1; i < factors->num; ++i)
        for (slong j = i; j > 0 && fmpz_cmp(factors->p + j - 1, factors->p + j) > 0; --j) {
            fmpz_swap(factors->p + j - 1, factors->p + j);
            ulong exp = factors->exp[j - 1];
            factors->exp[j - 1] = factors->exp[j];
            factors->exp[j] = exp;
        }
}

int main(void) {
    static char buffer[1 << 16];
    fmpz_t n;
    fmpz_factor_t factors;
    int status = 0;
    fmpz_init(n);
    while (fgets(buffer, sizeof buffer, stdin)) {
        char *text = trim(buffer);
        if (*text == '\0') continue;
        if (fmpz_set_str(n, text, 10) != 0 || fmpz_sgn(n) <= 0) {
            fprintf(stderr, "flint_factor: '%s' is not a positive integer\n", text);
            status = 1;
            continue;
        }
        fmpz_factor_init(factors);
        fmpz_factor(factors, n);
        sort_ascending(factors);
        fmpz_print(n);
        putchar(':');
        for (slong i = 0; i < factors->num; ++i)
            for (ulong k = 0; k < factors->exp[i]; ++k) {
                putchar(' ');
                fmpz_print(factors->p + i);
            }
        putchar('\n');
        fmpz_factor_clear(factors);
    }
    fmpz_clear(n);
    return status;
}
