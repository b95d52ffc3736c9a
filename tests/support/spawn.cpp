#include "tests/support/spawn.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace cs::test {

pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    rlimit core{};
    ::getrlimit(RLIMIT_CORE, &core);
    core.rlim_cur = core.rlim_max;
    ::setrlimit(RLIMIT_CORE, &core);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(in_fd >= 0 ? in_fd : null, 0);
    ::dup2(out_fd >= 0 ? out_fd : null, 1);
    ::execv(args[0], args.data());
    ::_exit(127);
}

}  // namespace cs::test
