/* threads.c — how idle OpenMP threads wait: passively by default.
 *
 * GCC's libgomp makes a thread that waits (at the barrier ending a parallel
 * region, or for the next region) spin for GOMP_SPINCOUNT iterations,
 * 300,000 by default, before it sleeps; a spin iteration is a `pause`,
 * which takes ~150 cycles on recent Intel cores (300,000 took 20 ms on a
 * 2.3 GHz Xeon of the Sapphire Rapids class), so every wait can burn that. On a machine whose cores are busy with other work the
 * spinning threads take the CPU from the threads that have work, and a run
 * with 2 threads measured 15-24x slower than with 1 (docs/bench.md).
 * OMP_WAIT_POLICY=passive makes waiting threads sleep at once.
 *
 * libgomp reads its settings from the environment when it is loaded,
 * before main, so setting the variable from the program has no effect
 * (glibc resets the environment to the kernel's after a .preinit_array
 * function runs, and libgomp's constructor runs after that). So the
 * program sets OMP_WAIT_POLICY=passive and executes itself again, once:
 * only when neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set (the user's
 * setting wins), when OpenMP would use more than one thread, not under
 * valgrind (an exec would leave the tool), and on Linux (/proc/self/exe).
 * If anything fails the program carries on with the runtime's default. */
#include "sim/statevec.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool want_reexec(char *const *argv, char *self, size_t size)
{
#ifdef __linux__
    if (!argv || !argv[0] || size < 2)
        return false;
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
        return false; /* the user's choice */
    if (omp_get_max_threads() < 2)
        return false; /* nobody waits */
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload"))
        return false; /* valgrind: the exec'd program would run outside it */
    ssize_t n = readlink("/proc/self/exe", self, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    self[n] = 0;
    return true;
#else
    (void)argv, (void)self, (void)size;
    return false;
#endif
}

void sim_threads_init(char *const *argv)
{
    char self[4096];
    if (!want_reexec(argv, self, sizeof self))
        return;
    if (setenv("OMP_WAIT_POLICY", "passive", 0) != 0)
        return;
    execv(self, argv);
    unsetenv("OMP_WAIT_POLICY"); /* exec failed: as the runtime started */
}
