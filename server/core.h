#pragma once
// Internals of the practice server shared by its feature files: the error a
// handler throws, JSON replies, faults and the Impl (its database: storage.h).
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/api/codec.h"
#include "engine/util/pin_hash.h"
#include "server/api_error.h"
#include "server/front.h"
#include "server/practice_server.h"
#include "server/storage.h"

namespace cs::server {

using Json = nlohmann::json;

[[noreturn]] void fail(int status, std::string code, std::string message);

void send_json(httplib::Response& res, int status, const Json& body);
void send_error(httplib::Response& res, const ApiError& e);
Json parse_json_body(const httplib::Request& req, uint64_t max_bytes);  // throws ApiError

// Bodies of the practice API go through its one codec (engine/api/codec.h),
// shared with the client. A request body that does not fit the contract is
// its 400 (bad_json, bad_uuid or bad_request, with the codec's sentence).
template <typename T>
T decode_body(const httplib::Request& req, uint64_t max_bytes) {
    try {
        return api::from_json<T>(parse_json_body(req, max_bytes));
    } catch (const api::WireError& e) {
        fail(400, e.code(), e.what());
    }
}
template <typename T>
void send_body(httplib::Response& res, int status, const T& body) {
    send_json(res, status, api::to_json(body));
}


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
    bool matches(const std::string& method, const std::string& path);  // would take() find one?

private:
    std::mutex mu_;
    std::vector<FaultRule> rules_;
};

// Slows PIN guessing without locking anyone out (docs/server-limits.md):
// failures from one address make that address wait, doubling; failures for
// one user make every address that has not signed in as that user wait
// between its own attempts, doubling. An address where the user signed in
// before, or a new one's first attempt, is never held up by other people's
// failures. Every table is bounded: names are cut, entries expire, and the
// least recently used entry goes when a table is full.
class SignInLimiter {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr size_t kMaxKeyBytes = 64;      // longer user names are cut to this
    static constexpr size_t kMaxEntries = 4096;     // per table
    static constexpr int kFreePerAddress = 5;       // failures from an address before it waits
    static constexpr int kFreePerUser = 10;         // failures for a user before strangers wait
    static constexpr std::chrono::seconds kMaxWait{300};
    static constexpr std::chrono::seconds kForget{900};          // failures this old are forgotten
    static constexpr std::chrono::hours kRememberSignIn{24 * 30};  // an address the user signed in from

    // Seconds this address must wait before trying this user (0: go on).
    int retry_after_seconds(const std::string& user, const std::string& address, Clock::time_point now = Clock::now());
    void record_failure(const std::string& user, const std::string& address, Clock::time_point now = Clock::now());
    void record_success(const std::string& user, const std::string& address, Clock::time_point now = Clock::now());
    size_t entries() const;  // all tables together (tests)

    struct Entry {
        int failures = 0;
        Clock::time_point last;
    };
    class Table {
    public:
        Entry* find(const std::string& key, Clock::time_point now, std::chrono::seconds keep);
        Entry& touch(const std::string& key, Clock::time_point now, std::chrono::seconds keep);
        void erase(const std::string& key) { map_.erase(key); }
        size_t size() const { return map_.size(); }

    private:
        std::map<std::string, Entry> map_;
    };

private:
    mutable std::mutex mu_;
    Table by_address_, by_user_, by_pair_, signed_in_;
};

// One request being handled; user_id is set once authenticated.
struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    std::string user_id;
    std::string path_param(size_t i) const { return req.matches[i].str(); }
};

// cpp-httplib's parsing, routing and answering, fed by the front (front.h)
// instead of its own socket loop.
class HttpCore : public httplib::Server {
public:
    HttpCore();
    bool serve(httplib::Stream& s, bool close, bool& closed, const SSL* ssl);
    // httplib streams answers from content providers only while its
    // "listening socket" is valid: the front's.
    void set_listening(int fd) { svr_sock_ = fd; }
};

// An image upload's target, checked before any body byte (images.cpp).
struct UploadTarget {
    std::string proc, img, sha256, claimed_sha256;
    int64_t size = 0;
    bool received = false;
};

constexpr uint64_t kSignInBodyBytes = 4096;  // {"user": ..., "pin": ..., "workstation": ...}

struct PracticeServer::Impl {
    ServerOptions opt;
    std::unique_ptr<Storage> db;
    FaultBook faults;
    SignInLimiter limiter;
    Sleeper sleeper;
    std::unique_ptr<HttpCore> http;
    std::unique_ptr<Front> front;
    int port = 0;
    bool running = false;

    using Handler = void (Impl::*)(Call&);
    enum class Auth { none, bearer, loopback_admin };
    // What a route's body may be, decided before it is read (docs/server-limits.md).
    enum class Body { none, sign_in, json, image };
    struct Rule {
        std::string method;
        std::vector<std::string> segments;  // of the route's pattern, split at '/'
        Auth auth;
        Body body;
    };
    std::vector<Rule> rules;
    void install_routes();
    void route(const char* method, const std::string& pattern, Auth auth, Body body, Handler h);
    void dispatch(const httplib::Request& req, httplib::Response& res, Auth auth, Handler h);
    Admission admit(const RequestHead& head);
    std::string check_caller(const httplib::Request& req, Auth auth);  // user id for bearer; throws ApiError
    std::string authenticate(const httplib::Request& req);  // user id; throws ApiError 401
    // The checks of an upload that need no body byte, in the documented order; throws ApiError.
    UploadTarget upload_target(const std::string& proc, const std::string& img, const std::string& repr_digest,
                               uint64_t length);

    // auth.cpp
    void health(Call& c);
    void sign_in(Call& c);
    void sign_out(Call& c);
    void current_session(Call& c);
    // admin_pin.cpp
    void check_admin_pin(Call& c);
    // catalog.cpp
    void find_patients(Call& c);
    void search_patients(Call& c);
    void get_patient(Call& c);
    void get_location(Call& c);
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

// procedures.cpp
std::string require_uuid(const std::string& s, const char* what);  // throws 400 bad_uuid

}  // namespace cs::server
