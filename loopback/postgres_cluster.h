#pragma once
// A throwaway PostgreSQL for the server tests and the backends benchmark
// (docs/server-backends.md): one cluster per test binary (shared()), or one
// per benchmark run, made with initdb in a temporary folder, serving
// on a free loopback port with its socket in that folder, run as `nobody`
// when the tests run as root (PostgreSQL refuses root; CI is root), stopped
// and removed when the binary exits — or killed by the kernel if it dies.
// No Catch2 here (the bench's Release build has none): a failure throws
// cs::Error, which fails the test that met it. Never part of what a
// practice installs.
#include <filesystem>
#include <string>

namespace cs::loopback {

class PostgresCluster {
public:
    // durable: fsync and synchronous commits on, as a practice's database
    // runs (the benchmark); off for tests, which need not survive a power cut.
    explicit PostgresCluster(bool durable = false);
    // The tests' one cluster of this process, started at first use.
    static PostgresCluster& shared();
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    // A new, empty database: its postgresql:// URI.
    std::string new_database();
    int port() const { return port_; }

private:
    std::filesystem::path dir_;
    int port_ = 0;
    int pid_ = -1;
    int databases_ = 0;
};

// Runs SQL on a PostgreSQL database (a URI) and returns the first value of
// the first row ("" when none); throws cs::Error on an error.
std::string postgres_value(const std::string& uri, const std::string& sql);

}  // namespace cs::loopback
