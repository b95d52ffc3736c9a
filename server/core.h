#pragma once
// Internals of the practice server shared by its feature files: the error a
// handler throws, JSON replies, the guarded database, faults and the Impl.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/util/sqlite.h"
#include "server/practice_server.h"

namespace cs::server {

using Json = nlohmann::json;

// What a handler throws to answer with an error body (docs/practice-api.md).
struct ApiError {
    int status;
    std::string code;
    std::string message;
    int retry_after = -1;
};
[[noreturn]] void fail(int status, std::string code, std::string message);

void send_json(httplib::Response& res, int status, const Json& body);
void send_error(httplib::Response& res, const ApiError& e);
Json parse_json_body(const httplib::Request& req, uint64_t max_bytes);  // throws ApiError

// One SQLite connection, used by one thread at a time under a mutex: the
// server's load is a few workstations, and SQLite serialises writers anyway.
class Database {
public:
    void open(const std::filesystem::path& file);
    void close();
    template <typename F>
    auto with(F&& f) const {
        std::lock_guard lock(mu_);
        return f(*db_);
    }

private:
    mutable std::mutex mu_;
    std::unique_ptr<sql::Db> db_;
};
void create_schema(sql::Db& db);
void seed_demo(sql::Db& db, int pin_hash_iterations);
bool database_is_empty(sql::Db& db);
// Salted PBKDF2-HMAC-SHA256, stored as "pbkdf2-sha256$ITER$SALTHEX$HASHHEX".
std::string hash_pin(const std::string& pin, int iterations);
bool verify_pin(const std::string& pin, const std::string& stored);

// Sleeps that end early when the server stops (stalls and trickles must not
// hold up shutdown).
class Sleeper {
public:
    bool sleep_for(double seconds);  // false when woken by stop
    void stop();
    void reset();

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
};

class FaultBook {
public:
    void add(const FaultRule& r);
    void clear();
    // The first rule matching, with its count used up by one.
    std::optional<FaultRule> take(const std::string& method, const std::string& path);

private:
    std::mutex mu_;
    std::vector<FaultRule> rules_;
};

// Failed sign-ins per user name: 5 within 5 minutes locks that name out.
class SignInLimiter {
public:
    static constexpr int kMaxFailures = 5;
    static constexpr std::chrono::seconds kWindow{300};
    int retry_after_seconds(const std::string& user);  // 0 when allowed
    void record_failure(const std::string& user);
    void clear(const std::string& user);

private:
    std::mutex mu_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_;
};

// One request being handled; user_id is set once authenticated.
struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    std::string user_id;
    std::string path_param(size_t i) const { return req.matches[i].str(); }
};

struct PracticeServer::Impl {
    ServerOptions opt;
    Database db;
    FaultBook faults;
    SignInLimiter limiter;
    Sleeper sleeper;
    std::unique_ptr<httplib::Server> http;
    std::thread thread;
    int port = 0;
    bool running = false;

    using Handler = void (Impl::*)(Call&);
    enum class Auth { none, bearer, loopback_admin };
    void install_routes();
    void route(const char* method, const std::string& pattern, Auth auth, Handler h);
    void dispatch(const httplib::Request& req, httplib::Response& res, Auth auth, Handler h);
    std::string authenticate(const httplib::Request& req);  // user id; throws ApiError 401

    // auth.cpp
    void health(Call& c);
    void sign_in(Call& c);
    void sign_out(Call& c);
    void current_session(Call& c);
    // catalog.cpp
    void find_patients(Call& c);
    void search_patients(Call& c);
    void get_patient(Call& c);
    void location_providers(Call& c);
    void procedure_types(Call& c);
    // procedures.cpp
    void declare_procedure(Call& c);
    void get_procedure(Call& c);
    void commit_procedure(Call& c);
    void withdraw_procedure(Call& c);
    // images.cpp
    void upload_image(Call& c);
    std::filesystem::path image_file(const std::string& proc, const std::string& img) const;
    // faults.cpp
    void admin_add_fault(Call& c);
    void admin_clear_faults(Call& c);
    void apply_fault_after(const FaultRule& rule, const httplib::Request& req, httplib::Response& res);
    std::string other_patient_id(const std::string& id);
};

// faults.cpp: closes the TCP connection a request came on, without answering.
void drop_connection(const httplib::Request& req);
Json fault_to_json(const FaultRule& r);
FaultRule fault_from_json(const Json& j);  // throws ApiError 400

// procedures.cpp: the Procedure object of the API; nullopt when unknown.
std::optional<Json> load_procedure(sql::Db& db, const std::string& uuid);
std::string require_uuid(const std::string& s, const char* what);  // throws 400 bad_uuid

}  // namespace cs::server
