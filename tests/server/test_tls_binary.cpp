// HTTPS with a certificate made here, and the practice-server command itself.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "engine/util/error.h"
#include "tests/server/server_fixture.h"
#include "tests/support/spawn.h"
#include "tests/support/tls_cert.h"

using namespace cs::test;

TEST_CASE("HTTPS: works when the client trusts the certificate, fails when it does not") {
    TempDir dir;
    make_self_signed(dir / "cert.pem", dir / "key.pem");
    auto opt = demo_options(dir);
    opt.tls = cs::server::TlsFiles{dir / "cert.pem", dir / "key.pem"};
    cs::server::PracticeServer server(opt);
    server.start();
    CHECK(server.base_url().rfind("https://127.0.0.1:", 0) == 0);

    httplib::SSLClient trusting("127.0.0.1", server.port());
    trusting.set_ca_cert_path((dir / "cert.pem").c_str());
    trusting.enable_server_certificate_verification(true);
    auto ok = trusting.Get("/api/v1/health");
    REQUIRE(ok);
    CHECK(ok->status == 200);
    CHECK(Json::parse(ok->body)["status"] == "ok");

    httplib::SSLClient wary("127.0.0.1", server.port());
    wary.enable_server_certificate_verification(true);
    auto refused = wary.Get("/api/v1/health");
    CHECK_FALSE(refused);
    CHECK(refused.error() == httplib::Error::SSLServerVerification);

    // Plain HTTP to the TLS port gets no answer.
    httplib::Client plain("127.0.0.1", server.port());
    plain.set_read_timeout(5);
    auto p = plain.Get("/api/v1/health");
    CHECK((!p || p->status != 200));
}

TEST_CASE("a TLS key that cannot be loaded is a clear error") {
    TempDir dir;
    auto opt = demo_options(dir);
    opt.tls = cs::server::TlsFiles{dir / "missing-cert.pem", dir / "missing-key.pem"};
    cs::server::PracticeServer server(opt);
    REQUIRE_THROWS_AS(server.start(), cs::Error);
}

namespace {

// Starts practice-server with args; first_line is what it printed first
// ("listening on …"), read from its stdout.
pid_t start_server(const std::vector<std::string>& args, std::string& first_line) {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    const pid_t pid = spawn(args, -1, out[1]);
    REQUIRE(pid > 0);
    ::close(out[1]);
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') first_line += ch;
    ::close(out[0]);
    return pid;
}

}  // namespace

TEST_CASE("practice-server: starts on a free port, answers, stops cleanly on SIGTERM", "[sqlite]") {
    TempDir dir;
    std::vector<std::string> args{bin("practice-server").string(), "--db", (dir / "p.sqlite").string(), "--images",
                                  (dir / "img").string(), "--listen", "127.0.0.1:0", "--seed", "demo"};
    ScopedUmask open_umask(0);  // the database and image folder are private anyway
    std::string line;
    const pid_t pid = start_server(args, line);
    INFO(line);
    const std::string prefix = "listening on http://127.0.0.1:";
    REQUIRE(line.rfind(prefix, 0) == 0);
    int port = std::stoi(line.substr(prefix.size()));
    CHECK(port > 0);

    Api api("http://127.0.0.1:" + std::to_string(port));
    auto h = api.get("/api/v1/health");
    REQUIRE(h);
    CHECK(h->status == 200);
    api.sign_in();  // the demo seed is there, with its real (slow) PIN hashing
    CHECK(core_limit_of(pid) == "0 0");
    CHECK(not_private(dir / "img").empty());
    struct stat st {};
    REQUIRE(::stat((dir / "p.sqlite").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);

    REQUIRE(::kill(pid, SIGTERM) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("practice-server: bad arguments fail with a message") {
    TempDir dir;
    auto r = run_process({bin("practice-server").string(), "--db", (dir / "p.sqlite").string(), "--images",
                          (dir / "img").string(), "--listen", "nowhere"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--listen") != std::string::npos);
    auto r2 = run_process({bin("practice-server").string(), "--images", (dir / "img").string()});
    CHECK(r2.exit_code != 0);
    CHECK_FALSE(r2.err.empty());
}

// The package's service gives the server its settings in a file
// (/etc/chairsync/practice-server.conf, docs/packaging.md): the same names as
// the options, the TLS certificate and key among them.
TEST_CASE("practice-server --config: settings from a file, HTTPS with the certificate it names") {
    TempDir dir;
    make_self_signed(dir / "cert.pem", dir / "key.pem");
    {
        std::ofstream conf(dir / "server.conf");
        conf << "# as in the package\n"
             << "db = \"" << (dir / "p.sqlite").string() << "\"\n"
             << "images = \"" << (dir / "img").string() << "\"\n"
             << "listen = \"127.0.0.1:0\"\n"
             << "seed = \"demo\"\n"
             << "tls-cert = \"" << (dir / "cert.pem").string() << "\"\n"
             << "tls-key = \"" << (dir / "key.pem").string() << "\"\n";
    }
    std::string line;
    const pid_t pid = start_server({bin("practice-server").string(), "--config", (dir / "server.conf").string()}, line);
    INFO(line);
    const std::string prefix = "listening on https://127.0.0.1:";
    REQUIRE(line.rfind(prefix, 0) == 0);
    httplib::SSLClient trusting("127.0.0.1", std::stoi(line.substr(prefix.size())));
    trusting.set_ca_cert_path((dir / "cert.pem").c_str());
    trusting.enable_server_certificate_verification(true);
    auto ok = trusting.Get("/api/v1/health");
    REQUIRE(ok);
    CHECK(ok->status == 200);
    REQUIRE(::kill(pid, SIGTERM) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("practice-server --config: a misspelt setting is refused, naming it") {
    TempDir dir;
    {
        std::ofstream conf(dir / "server.conf");
        conf << "db = \"" << (dir / "p.sqlite").string() << "\"\n"
             << "tls-certificate = \"/etc/chairsync/tls/practice-server.crt\"\n";
    }
    auto r = run_process({bin("practice-server").string(), "--config", (dir / "server.conf").string(), "--images",
                          (dir / "img").string()});
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("tls-certificate") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "p.sqlite"));
}
