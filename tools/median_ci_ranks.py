#!/usr/bin/env python3
"""Exact 0-based ranks of the 95% distribution-free CI of the median.

Golden values for tests/test_stats.c (eb_median_ci_ranks), computed with
integer arithmetic only, independently of the C code's log-space sums: the
lower rank k is the largest with P(B <= k) <= 0.025 for B ~ binomial(n, 1/2),
i.e. 40 * sum_{i<=k} C(n, i) <= 2^n; the upper rank is n - 1 - k.

    /usr/bin/python3 tools/median_ci_ranks.py 6 10 1001 100000

Prints "n lo hi" per n, or "n none" when no interval reaches 95%. Exact and
slow for large n (n = 10^6 takes minutes).
"""
import sys


def ranks(n):
    c, s, best, lim = 1, 0, -1, 2**n
    for k in range(0, (n + 1) // 2):
        s += c
        if 40 * s > lim:
            break
        best = k
        c = c * (n - k) // (k + 1)
    return None if best < 0 else (best, n - 1 - best)


if __name__ == "__main__":
    for n in map(int, sys.argv[1:]):
        r = ranks(n)
        print(n, *(r if r else ("none",)))
