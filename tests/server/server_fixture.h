#pragma once
// A demo practice server on a loopback port in a temporary folder, and a
// small HTTP client that speaks to it the way ChairSync does.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/practice_server.h"
#include "tests/support/test_support.h"

namespace cs::test {

using Json = nlohmann::json;

// The backend every server of these tests uses: SQLite, or PostgreSQL when
// CHAIRSYNC_TEST_SERVER_DB=postgresql (the `server_postgresql` test runs
// this binary so: tests/server/extra.cmake).
bool testing_postgres();
// The database of the practice kept in `dir`, for ServerOptions::db: a file
// in it, or a database of the test cluster (postgres_cluster.h) made empty
// for it when first asked.
std::string practice_database(const TempDir& dir);
// SQL straight on a server's database (`db` as in ServerOptions::db), as
// the practice's own staff might: the first value of the first row.
std::string database_value(const fs::path& db, const std::string& sql);
int64_t database_count(const fs::path& db, const std::string& sql);

// Demo seed, quick PIN hashing, no access log, the database of `dir`.
server::ServerOptions demo_options(const TempDir& dir);
// The same for one of several servers sharing a database and an images folder.
server::ServerOptions demo_options(const std::string& db, const fs::path& images);

struct DemoPractice {
    TempDir dir;
    server::ServerOptions opt;
    server::PracticeServer server;
    explicit DemoPractice(void (*tweak)(server::ServerOptions&) = nullptr);
    static server::ServerOptions options_for(const TempDir& dir, void (*tweak)(server::ServerOptions&));
};

class Api {
public:
    explicit Api(const std::string& base_url);
    httplib::Client& http() { return http_; }
    std::string token;

    void sign_in(const std::string& user = "demo", const std::string& pin = "1234");
    httplib::Result get(const std::string& path);
    httplib::Result put_json(const std::string& path, const Json& body);
    httplib::Result post_json(const std::string& path, const Json& body = Json::object());
    httplib::Result del(const std::string& path);
    httplib::Result put_image(const std::string& path, const std::string& bytes, const std::string& digest_header);

private:
    httplib::Headers headers() const;
    httplib::Client http_;
};

Json json_of(const httplib::Result& r);       // the body as JSON (fails the test if it is not)
std::string error_code(const httplib::Result& r);  // error.code of an error answer

struct TestImage {
    std::string uuid, bytes, sha256;
};
TestImage make_image(size_t size, unsigned seed);

// A valid declaration body for patient p-1001 at loc-1 (D0274, prov-1),
// expecting María Lopez born 1984-03-09 (change both for another patient).
Json declaration(const std::vector<TestImage>& images, const std::string& patient = "p-1001");

std::string procedure_path(const std::string& uuid);
std::string image_path(const std::string& proc, const std::string& img);

// Declares, uploads every image and commits; returns the commit answer.
Json sync_procedure(Api& api, const std::string& proc, const Json& decl, const std::vector<TestImage>& images);

// The real `practice-server` command as a child process on a free loopback
// port (demo seed, in a temporary folder); stopped with SIGTERM. Its standard
// error goes to log_file when one is given (else this process's), and env
// ("NAME=value") is added to its environment.
class ServerProcess {
public:
    explicit ServerProcess(std::vector<std::string> extra_args = {}, const std::filesystem::path& log_file = {},
                           const std::vector<std::string>& env = {});
    // One of several servers of one practice: the same database and images folder.
    ServerProcess(std::vector<std::string> extra_args, const std::string& db, const fs::path& images);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    int port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string first_line() const { return line_; }
    // A field of /proc/PID/status in KiB, e.g. "VmHWM" (the peak resident size).
    long status_kib(const std::string& field) const;
    int stop();  // SIGTERM, wait; the exit status (-1 when killed by a signal)
    void kill9();  // SIGKILL, wait: a crash

private:
    void start(const std::string& db, const fs::path& images, std::vector<std::string> extra_args,
               const std::filesystem::path& log_file, const std::vector<std::string>& env);
    TempDir dir_;
    int pid_ = -1;
    int port_ = 0;
    std::string line_;
};

// A connected TCP socket to 127.0.0.1:port from the loopback address `from`
// (e.g. "127.0.0.2": another client as far as the server can tell).
int connect_from(const std::string& from, int port);

// A raw request over a plain TCP socket: everything the server sent before
// closing (empty when it closed without answering).
std::string raw_exchange(int port, const std::string& request, double timeout_seconds = 10);

}  // namespace cs::test
