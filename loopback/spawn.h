#pragma once
// Starting a program in the background: for tests that look at one of ours
// while it runs (/proc/PID/limits, its first output line), and for the
// Orthanc that tests, the bench and the demo start (loopback/orthanc.h).
#include <string>
#include <sys/types.h>
#include <vector>

namespace cs::loopback {

// Runs argv (argv[0] a path) with standard input from in_fd and standard
// output to out_fd (-1: /dev/null); standard error is inherited. Core dumps
// are allowed as far as the hard limit lets us, so a test sees the program
// itself turn them off. Pipes should be made with O_CLOEXEC, so the child
// holds only its own ends. Returns the child's pid.
struct SpawnOptions {
    int err_fd = -1;               // standard error to this fd; -1: inherited
    bool die_with_parent = false;  // SIGTERM when the test process ends, even by a crash
    bool own_group = false;        // a process group of its own, so kill(-pid) ends the children it forks too
};
pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, const SpawnOptions& options = {});

}  // namespace cs::loopback
