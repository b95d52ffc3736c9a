#include "loopback/postgres_cluster.h"

#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "engine/util/error.h"
#include "loopback/orthanc.h"

namespace cs::loopback {

namespace fs = std::filesystem;

namespace {

void require(bool ok, const std::string& what) {
    if (!ok) throw Error("The throwaway PostgreSQL could not be started: " + what + ".");
}

// The newest PostgreSQL Debian installed (/usr/lib/postgresql/VERSION/bin).
fs::path postgres_bin_dir() {
    fs::path best;
    int best_version = -1;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        int v = std::atoi(e.path().filename().c_str());
        if (v > best_version && fs::exists(e.path() / "bin" / "initdb")) {
            best_version = v;
            best = e.path() / "bin";
        }
    }
    require(!best.empty(), "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); ./dev installs it");
    return best;
}

struct Account {
    uid_t uid;
    gid_t gid;
};

// PostgreSQL will not run as root: as root, the cluster belongs to nobody.
std::optional<Account> unprivileged() {
    if (::geteuid() != 0) return std::nullopt;
    const passwd* pw = ::getpwnam("nobody");
    require(pw != nullptr, "we run as root, and there is no user nobody to run PostgreSQL as");
    return Account{pw->pw_uid, pw->pw_gid};
}

// Starts argv as `as` (or ourselves), output appended to log; with
// die_with_us, the kernel sends it SIGQUIT (PostgreSQL's immediate
// shutdown) when this process dies, so a crashed test leaves no server.
pid_t spawn(const std::vector<std::string>& argv, const std::optional<Account>& as, const fs::path& log,
            bool die_with_us) {
    std::vector<std::string> args = argv;
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const std::string folder = log.parent_path().string();
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    require(out >= 0, "its log " + log.string() + " could not be made");
    require(!as || ::fchown(out, as->uid, as->gid) == 0, "its log could not be given to nobody");
    pid_t pid = ::fork();
    require(pid >= 0, "fork failed");
    if (pid == 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::setsid();
        if (::chdir(folder.c_str()) != 0) ::_exit(124);  // ours: nobody may not enter root's folders
        if (as && (::setgroups(0, nullptr) != 0 || ::setgid(as->gid) != 0 || ::setuid(as->uid) != 0)) ::_exit(126);
        // After setuid: a change of credentials clears the parent-death signal.
        if (die_with_us && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) ::_exit(125);
        ::execv(cargv[0], cargv.data());
        ::_exit(127);
    }
    ::close(out);
    return pid;
}

std::string read_text(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string admin_uri(int port, const std::string& db) {
    return "postgresql://chairsync@127.0.0.1:" + std::to_string(port) + "/" + db;
}

}  // namespace

PostgresCluster& PostgresCluster::shared() {
    static PostgresCluster cluster;
    return cluster;
}

PostgresCluster::PostgresCluster(bool durable) {
    const fs::path bin = postgres_bin_dir();
    const auto as = unprivileged();
    std::string tmpl = (fs::temp_directory_path() / "chairsync-pg-XXXXXX").string();
    require(::mkdtemp(tmpl.data()) != nullptr, "no temporary folder");
    dir_ = tmpl;
    require(!as || ::chown(dir_.c_str(), as->uid, as->gid) == 0, "its folder could not be given to nobody");
    const fs::path log = dir_ / "log.txt";

    // -N: no fsync while initdb writes, whatever the cluster runs with later.
    pid_t init = spawn({(bin / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "chairsync", "--auth=trust",
                        "-E", "UTF8", "--locale=C", "-N"},
                       as, log, false);
    int status = 0;
    ::waitpid(init, &status, 0);
    require(WIFEXITED(status) && WEXITSTATUS(status) == 0, "initdb failed: " + read_text(log));
    const std::vector<std::string> speed =
        durable ? std::vector<std::string>{}
                : std::vector<std::string>{"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"};

    for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
        port_ = free_loopback_port();
        std::vector<std::string> argv = {(bin / "postgres").string(), "-D", (dir_ / "data").string(), "-p",
                                         std::to_string(port_), "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1",
                                         "-c", "shared_buffers=16MB", "-c", "max_connections=200"};
        argv.insert(argv.end(), speed.begin(), speed.end());
        pid_t pid = spawn(argv, as, log, true);
        // Asked through its socket in our own folder (-k): a cluster of another test that took
        // the port meanwhile answers on TCP, never there.
        const std::string ping = "host=" + dir_.string() + " port=" + std::to_string(port_) + " user=chairsync dbname=postgres";
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            if (PQping(ping.c_str()) == PQPING_OK) {
                pid_ = pid;
                break;
            }
            if (::waitpid(pid, &status, WNOHANG) == pid) break;  // exited: the port was taken meanwhile?
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (pid_ < 0 && ::kill(pid, 0) == 0) {
            ::kill(pid, SIGQUIT);
            ::waitpid(pid, &status, 0);
        }
    }
    require(pid_ > 0, "postgres did not answer: " + read_text(log));
}

PostgresCluster::~PostgresCluster() {
    if (pid_ > 0) {
        ::kill(pid_, SIGINT);  // fast shutdown: ends every session
        int status = 0;
        for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (::kill(pid_, 0) == 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
        }
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string PostgresCluster::new_database() {
    const std::string name = "practice" + std::to_string(++databases_);
    postgres_value(admin_uri(port_, "postgres"), "CREATE DATABASE " + name);
    return admin_uri(port_, name);
}

std::string postgres_value(const std::string& uri, const std::string& sql) {
    PGconn* c = PQconnectdb(uri.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        const std::string why = PQerrorMessage(c);
        PQfinish(c);
        throw Error("Could not connect to " + uri + ": " + why);
    }
    PGresult* r = PQexec(c, sql.c_str());
    const auto st = PQresultStatus(r);
    std::string value = st == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) throw Error(sql + ": " + error);
    return value;
}

}  // namespace cs::loopback
