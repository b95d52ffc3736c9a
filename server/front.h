#pragma once
// The server's front door (docs/server-limits.md): it owns the listening
// socket, TLS and every connection, reads each request head itself under a
// deadline and size caps, asks the server whether the call may go on (auth
// and the body size for that route, from the head alone), and only then
// lets cpp-httplib parse, route and answer it. cpp-httplib 0.11 cannot bound
// any of this itself: it buffers whole header lines, counts no header lines,
// restarts its read timeout on every read, caps only Content-Length bodies,
// inflates gzip bodies, and serves from 8 threads.
#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/api_error.h"
#include "server/practice_server.h"

namespace cs::server {

// What the front read of a request head.
struct RequestHead {
    std::string method, target, version;
    httplib::Headers headers;
    std::optional<uint64_t> content_length;
    bool chunked = false;
    std::string remote_addr;
};

// The server's word on a head: go on with at most `body_limit` body bytes
// (read whole by the front, or streamed to the handler when `stream`), or
// an error answer sent at once, without reading the body.
struct Admission {
    uint64_t body_limit = 0;
    bool stream = false;
    std::optional<ApiError> refusal;
};

// The error answer every refusal of the front uses (docs/practice-api.md).
std::string error_response(const ApiError& e, bool close);

// The port of an IPv4 or IPv6 socket address; -1 for another family.
int port_of(const sockaddr_storage& a);

class Front {
public:
    using Admit = std::function<Admission(const RequestHead&)>;
    // Parses, routes and answers one request from `stream`; false when the
    // connection must close.
    using Serve = std::function<bool(httplib::Stream& stream, bool close, bool& closed, const SSL* ssl)>;

    Front(const ServerOptions& opt, Admit admit, Serve serve);
    ~Front();
    Front(const Front&) = delete;
    Front& operator=(const Front&) = delete;

    // Loads TLS (if any) and binds; returns the port. Throws cs::Error.
    int bind();
    int listen_fd() const { return listen_fd_; }
    void start();
    void stop();  // refuses new connections, ends open ones, waits for them

    struct Conn;

private:
    void accept_loop();
    void serve_connection(Conn& c);
    bool take_slot(const std::string& addr, int fd);
    void release_slot(const std::string& addr);
    void join_ended();

    const ServerOptions& opt_;
    Admit admit_;
    Serve serve_;
    SSL_CTX* tls_ = nullptr;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread acceptor_;

    std::mutex mu_;
    std::condition_variable all_closed_;
    int open_ = 0;
    std::map<std::string, int> per_address_;
    std::set<int> fds_;
    // Each connection's thread, until it ends; then in ended_ to be joined, so
    // no thread of ours outlives the Front (a thread still unwinding at exit
    // crashes the leak checker's stop-the-world and is a use-after-free risk).
    std::map<std::thread::id, std::thread> workers_;
    std::vector<std::thread> ended_;
    bool stopping_ = false;
};

}  // namespace cs::server
