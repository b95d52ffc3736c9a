#include "loopback/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace cs::loopback {

pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, const SpawnOptions& options) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) {
        if (pid > 0 && options.own_group) ::setpgid(pid, pid);  // both sides: whichever runs first
        return pid;
    }
    if (options.die_with_parent) {
        // A crashed test (or bench, or demo) must not leave a server behind holding ctest's output pipe.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    }
    if (options.own_group) ::setpgid(0, 0);
    rlimit core{};
    ::getrlimit(RLIMIT_CORE, &core);
    core.rlim_cur = core.rlim_max;
    ::setrlimit(RLIMIT_CORE, &core);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(in_fd >= 0 ? in_fd : null, 0);
    ::dup2(out_fd >= 0 ? out_fd : null, 1);
    if (options.err_fd >= 0) ::dup2(options.err_fd, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
}

}  // namespace cs::loopback
