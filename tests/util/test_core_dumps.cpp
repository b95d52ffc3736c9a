#include <catch2/catch.hpp>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/util/core_dumps.h"

TEST_CASE("disable_core_dumps sets the core limit to 0 for good and makes the process not dumpable") {
    // In a child: the test process itself stays as it was.
    const pid_t pid = ::fork();
    if (pid == 0) {
        rlimit core{};
        ::getrlimit(RLIMIT_CORE, &core);
        core.rlim_cur = core.rlim_max;  // as much as allowed, so that only the call can make it 0
        ::setrlimit(RLIMIT_CORE, &core);
        cs::disable_core_dumps();
        ::getrlimit(RLIMIT_CORE, &core);
        int failures = 0;
        failures += core.rlim_cur != 0;
        failures += core.rlim_max != 0;  // the hard limit too: no child can raise it again
        failures += ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0;
        core.rlim_cur = 1;
        failures += ::setrlimit(RLIMIT_CORE, &core) == 0;
        ::_exit(failures);
    }
    REQUIRE(pid > 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
