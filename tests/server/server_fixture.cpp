#include "tests/server/server_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <random>

#include "engine/util/sha256.h"
#include "engine/util/sqlite.h"
#include "engine/util/uuid.h"
#include "server/storage.h"
#include "tests/support/postgres_cluster.h"

namespace cs::test {

bool testing_postgres() {
    const char* v = std::getenv("CHAIRSYNC_TEST_SERVER_DB");
    return v && std::string(v) == "postgresql";
}

std::string practice_database(const TempDir& dir) {
    if (!testing_postgres()) return (dir / "practice.sqlite").string();
    static std::map<fs::path, std::string> made;  // folder names are never reused
    auto [it, fresh] = made.try_emplace(dir.path());
    if (fresh) it->second = PostgresCluster::shared().new_database();
    return it->second;
}

std::string database_value(const fs::path& db, const std::string& sql) {
    const auto where = server::parse_db_location(db.string());
    if (where.kind == server::DbLocation::Kind::postgresql) return postgres_value(where.target, sql);
    sql::Db d(where.target);
    auto st = d.prepare(sql);
    return st.step() ? st.text(0) : std::string();
}

int64_t database_count(const fs::path& db, const std::string& sql) { return std::stoll(database_value(db, sql)); }

server::ServerOptions demo_options(const std::string& db, const fs::path& images) {
    server::ServerOptions o;
    o.db = db;
    o.images_dir = images;
    o.seed = "demo";
    o.pin_hash_iterations = 1000;  // the real default is slow on purpose
    o.access_log = false;
    return o;
}

server::ServerOptions DemoPractice::options_for(const TempDir& dir, void (*tweak)(server::ServerOptions&)) {
    server::ServerOptions o = demo_options(practice_database(dir), dir / "images");
    if (tweak) tweak(o);
    return o;
}

server::ServerOptions demo_options(const TempDir& dir) { return DemoPractice::options_for(dir, nullptr); }

DemoPractice::DemoPractice(void (*tweak)(server::ServerOptions&)) : opt(options_for(dir, tweak)), server(opt) {
    server.start();
}

Api::Api(const std::string& base_url) : http_(base_url) {
    http_.set_connection_timeout(5);
    http_.set_read_timeout(20);
    http_.set_write_timeout(20);
}

httplib::Headers Api::headers() const {
    if (token.empty()) return {};
    return {{"Authorization", "Bearer " + token}};
}

void Api::sign_in(const std::string& user, const std::string& pin) {
    auto r = http_.Post("/api/v1/sessions", Json{{"user", user}, {"pin", pin}, {"workstation", "OP-1"}}.dump(),
                        "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 201);
    token = json_of(r)["token"].get<std::string>();
}

httplib::Result Api::get(const std::string& path) { return http_.Get(path.c_str(), headers()); }

httplib::Result Api::put_json(const std::string& path, const Json& body) {
    return http_.Put(path.c_str(), headers(), body.dump(), "application/json");
}

httplib::Result Api::post_json(const std::string& path, const Json& body) {
    return http_.Post(path.c_str(), headers(), body.dump(), "application/json");
}

httplib::Result Api::del(const std::string& path) { return http_.Delete(path.c_str(), headers()); }

httplib::Result Api::put_image(const std::string& path, const std::string& bytes, const std::string& digest) {
    auto h = headers();
    if (!digest.empty()) h.emplace("Repr-Digest", digest);
    return http_.Put(path.c_str(), h, bytes, "application/octet-stream");
}

Json json_of(const httplib::Result& r) {
    REQUIRE(r);
    Json j = Json::parse(r->body, nullptr, false);
    INFO(r->body);
    REQUIRE_FALSE(j.is_discarded());
    return j;
}

std::string error_code(const httplib::Result& r) {
    Json j = json_of(r);
    INFO(r->body);
    REQUIRE(j.contains("error"));
    REQUIRE(j["error"]["message"].is_string());
    return j["error"]["code"].get<std::string>();
}

TestImage make_image(size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() & 0xff);
    return {new_uuid(), bytes, sha256_hex(bytes)};
}

Json declaration(const std::vector<TestImage>& images, const std::string& patient) {
    Json list = Json::array();
    int seq = 0;
    for (const auto& i : images)
        list.push_back({{"uuid", i.uuid}, {"sha256", i.sha256}, {"size", i.bytes.size()}, {"kind", "radiograph"}, {"seq", seq++}});
    return {{"patient_id", patient}, {"location_id", "loc-1"}, {"code", "D0274"},
            {"acquired_at", "2026-11-30T14:02:00Z"}, {"apply_charges", true}, {"bill_insurance", false},
            {"provider_id", "prov-1"}, {"images", list},
            {"expected_patient", {{"first_name", "María"}, {"last_name", "Lopez"}, {"birth_date", "1984-03-09"}}}};
}

std::string procedure_path(const std::string& uuid) { return "/api/v1/imaging-procedures/" + uuid; }
std::string image_path(const std::string& proc, const std::string& img) { return procedure_path(proc) + "/images/" + img; }

Json sync_procedure(Api& api, const std::string& proc, const Json& decl, const std::vector<TestImage>& images) {
    auto d = api.put_json(procedure_path(proc), decl);
    REQUIRE(d);
    REQUIRE(d->status == 201);
    for (const auto& i : images) {
        auto u = api.put_image(image_path(proc, i.uuid), i.bytes, repr_digest_header(i.sha256));
        REQUIRE(u);
        REQUIRE(u->status == 201);
    }
    auto c = api.post_json(procedure_path(proc) + "/commit");
    REQUIRE(c);
    REQUIRE(c->status == 200);
    return json_of(c);
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, const std::filesystem::path& log_file,
                             const std::vector<std::string>& env) {
    start(practice_database(dir_), dir_ / "img", std::move(extra_args), log_file, env);
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, const std::string& db, const fs::path& images) {
    start(db, images, std::move(extra_args), {}, {});
}

void ServerProcess::start(const std::string& db, const fs::path& images, std::vector<std::string> extra_args,
                          const std::filesystem::path& log_file, const std::vector<std::string>& env) {
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    std::vector<std::string> args{bin("practice-server").string(), "--db", db, "--images",
                                  images.string(), "--listen", "127.0.0.1:0", "--seed", "demo"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    // Everything the child needs is made before fork: after it, only exec.
    std::vector<std::string> envs(env);
    for (char** e = environ; *e; ++e) envs.emplace_back(*e);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    int log_fd = -1;
    if (!log_file.empty()) {
        log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        REQUIRE(log_fd >= 0);
    }
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
        ::dup2(out[1], 1);
        if (log_fd >= 0) ::dup2(log_fd, 2);
        ::close(out[0]);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    if (log_fd >= 0) ::close(log_fd);
    ::close(out[1]);
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') line_ += ch;
    ::close(out[0]);
    INFO(line_);
    const std::string prefix = "listening on http://127.0.0.1:";
    REQUIRE(line_.rfind(prefix, 0) == 0);
    port_ = std::stoi(line_.substr(prefix.size()));
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) stop();
}

long ServerProcess::status_kib(const std::string& field) const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    FAIL("no " << field << " in /proc/" << pid_ << "/status");
    return -1;
}

int ServerProcess::stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

int connect_from(const std::string& from, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    REQUIRE(::inet_pton(AF_INET, from.c_str(), &local.sin_addr) == 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

std::string raw_exchange(int port, const std::string& request, double timeout_seconds) {
    int fd = connect_from("127.0.0.1", port);
    size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server closed early: what it answered is still to be read below
        sent += static_cast<size_t>(n);
    }
    std::string got;
    char buf[65536];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(timeout_seconds * 1000));
        if (ready <= 0) break;  // silence past the timeout: return what came
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;  // closed (or reset)
        got.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return got;
}

}  // namespace cs::test
