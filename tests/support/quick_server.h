#pragma once
// The demo practice server's options for a test: its database and images in
// `dir`, the demo seed, quick PIN hashing, no access log. Header only: the
// areas that include it link the server (tests/CMakeLists.txt), the shared
// test support library does not.
#include <filesystem>

#include "server/practice_server.h"

namespace cs::test {

inline server::ServerOptions quick_server_options(const std::filesystem::path& dir) {
    server::ServerOptions o;
    o.db = dir / "server.db";
    o.images_dir = dir / "server-images";
    o.seed = "demo";
    o.pin_hash_iterations = 1000;  // the real hash, fewer rounds: tests stay quick
    o.access_log = false;
    return o;
}

}  // namespace cs::test
