/* The kernel checks as a plain program (no cmocka): what the aarch64 cross
 * build runs under qemu-aarch64 (tests/simd/run_aarch64.sh). Exit 0 when
 * every variant the CPU offers matches the reference, 1 otherwise.
 * EB_SIMD_MAX_ISA caps the levels like it does for the backend. */
#include <stdio.h>
#include <stdlib.h>

#include "devices/host_detect.h"
#include "tests/simd/simd_kernel_checks.h"

int main(void)
{
    eb_host host;
    eb_host_detect(&host);
    unsigned isa = eb_simd_isa_from_host(&host);
    const char *cap = getenv("EB_SIMD_MAX_ISA");
    unsigned mask;
    if (cap && *cap) {
        if (!eb_simd_isa_cap(cap, &mask)) {
            fprintf(stderr, "simd_kernel_checks: EB_SIMD_MAX_ISA '%s' is not an ISA level\n", cap);
            return 2;
        }
        isa &= mask;
    }
    char names[64];
    printf("simd kernel checks, ISA levels: %s\n", eb_simd_isa_str(isa, names, sizeof names));
    int ran = 0;
    int failures = eb_simd_check_everything(isa, &ran);
    printf("%d variant(s) checked, %d failed\n", ran, failures);
    return failures ? 1 : 0;
}
