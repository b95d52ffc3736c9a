#pragma once
// Running chairsync-cli from tests.
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace cs::test {

inline ProcessResult cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                         const std::string& input = {}) {
    std::vector<std::string> argv{bin("chairsync-cli").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, env, input);
}

// `chairsync-cli --store STORE capture ...` for one patient and some files.
inline std::vector<std::string> capture_args(const std::string& store, const std::string& first,
                                             const std::string& last, const std::string& dob,
                                             const std::vector<std::string>& files) {
    std::vector<std::string> a{"--store", store, "capture", "--first", first, "--last", last, "--dob", dob,
                               "--code", "D0274", "--name", "Bitewings", "--location", "loc-1"};
    a.insert(a.end(), files.begin(), files.end());
    return a;
}

}  // namespace cs::test
