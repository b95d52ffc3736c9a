#pragma once
// A throwaway PostgreSQL for the server tests (docs/server-backends.md): one
// cluster per test binary, made with initdb in a temporary folder, serving
// on a free loopback port with its socket in that folder, run as `nobody`
// when the tests run as root (PostgreSQL refuses root; CI is root), stopped
// and removed when the binary exits — or killed by the kernel if it dies.
#include <filesystem>
#include <string>

namespace cs::test {

class PostgresCluster {
public:
    // The one cluster of this process, started at first use.
    static PostgresCluster& shared();
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    // A new, empty database: its postgresql:// URI.
    std::string new_database();
    int port() const { return port_; }

private:
    PostgresCluster();
    std::filesystem::path dir_;
    int port_ = 0;
    int pid_ = -1;
    int databases_ = 0;
};

// Runs SQL on a PostgreSQL database (a URI) and returns the first value of
// the first row ("" when none); fails the test on an error.
std::string postgres_value(const std::string& uri, const std::string& sql);

}  // namespace cs::test
