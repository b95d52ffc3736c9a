// The front door of the practice server (docs/server-limits.md): connection
// caps, the request-head deadline, head size caps, admission from the head
// (auth and per-route body size) before any body byte is read, bounded
// bodies (chunked included), TLS. cpp-httplib only sees requests the front
// let through, rewritten with an exact Content-Length.
#include "server/front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <spdlog/spdlog.h>

#include "engine/api/codec.h"
#include "engine/util/error.h"

namespace cs::server {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxRequestLine = 8 * 1024;  // cpp-httplib answers 414 past this itself
constexpr size_t kMaxHeaderLine = 8 * 1024;
constexpr size_t kMaxChunkLine = 1024;
// After refusing a request whose body is on its way, read and drop this much
// of it (or for this long) before closing, so the client reads the refusal
// instead of a reset.
constexpr size_t kLingerBytes = 256 * 1024;
constexpr auto kLingerTime = std::chrono::milliseconds(500);

const char* reason_of(int status) {
    switch (status) {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 503: return "Service Unavailable";
        default: return status >= 500 ? "Internal Server Error" : "Bad Request";
    }
}

int poll_ms(Deadline d) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(d - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool is_token_char(unsigned char c) {
    return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string peer_address(const sockaddr_storage& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a.ss_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
    else if (a.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
    std::string s = buf;
    // An IPv4 client of a dual-stack socket counts as its IPv4 address.
    if (s.rfind("::ffff:", 0) == 0 && s.find('.') != std::string::npos) s = s.substr(7);
    return s;
}

}  // namespace

int port_of(const sockaddr_storage& a) {
    if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
    if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
    return -1;
}

std::string error_response(const ApiError& e, bool close) {
    std::string body = api::encode(api::ErrorBody{e.code, e.message});
    std::string r = "HTTP/1.1 " + std::to_string(e.status) + " " + reason_of(e.status) + "\r\n";
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (e.retry_after >= 0) r += "Retry-After: " + std::to_string(e.retry_after) + "\r\n";
    if (close) r += "Connection: close\r\n";
    return r + "\r\n" + body;
}

// One accepted connection: a non-blocking socket (and its TLS session),
// bytes read ahead of the current request, reads and writes with deadlines.
struct Front::Conn {
    int fd = -1;
    SSL* ssl = nullptr;
    std::string addr;
    int port = -1;
    std::string pending;  // read from the peer, not yet used
    std::chrono::milliseconds io_timeout{30000};

    ~Conn() {
        if (ssl) SSL_free(ssl);
    }

    // Waits for the socket; false at the deadline or on error.
    bool wait(short events, Deadline d) const {
        for (;;) {
            pollfd p{fd, events, 0};
            int r = ::poll(&p, 1, poll_ms(d));
            if (r > 0) return true;
            if (r == 0 && Clock::now() >= d) return false;
            if (r < 0 && errno != EINTR) return false;
        }
    }

    bool handshake(Deadline d) {
        for (;;) {
            ERR_clear_error();
            int r = SSL_accept(ssl);
            if (r == 1) return true;
            int e = SSL_get_error(ssl, r);
            if (e == SSL_ERROR_WANT_READ) {
                if (!wait(POLLIN, d)) return false;
            } else if (e == SSL_ERROR_WANT_WRITE) {
                if (!wait(POLLOUT, d)) return false;
            } else {
                return false;
            }
        }
    }

    // Up to n bytes straight from the peer: >0 read, 0 end of stream, -1
    // error or deadline.
    ssize_t recv_some(char* out, size_t n, Deadline d) {
        for (;;) {
            if (ssl) {
                ERR_clear_error();
                size_t got = 0;
                if (SSL_read_ex(ssl, out, n, &got) == 1) return static_cast<ssize_t>(got);
                int e = SSL_get_error(ssl, 0);
                if (e == SSL_ERROR_ZERO_RETURN) return 0;
                if (e == SSL_ERROR_WANT_READ) {
                    if (!wait(POLLIN, d)) return -1;
                } else if (e == SSL_ERROR_WANT_WRITE) {
                    if (!wait(POLLOUT, d)) return -1;
                } else {
                    return -1;
                }
            } else {
                ssize_t r = ::recv(fd, out, n, 0);
                if (r >= 0) return r;
                if (errno == EINTR) continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
                if (!wait(POLLIN, d)) return -1;
            }
        }
    }

    bool send_all(const char* data, size_t n, Deadline d) {
        while (n > 0) {
            ssize_t put = -1;
            if (ssl) {
                ERR_clear_error();
                size_t w = 0;
                if (SSL_write_ex(ssl, data, n, &w) == 1) {
                    put = static_cast<ssize_t>(w);
                } else {
                    int e = SSL_get_error(ssl, 0);
                    if (e == SSL_ERROR_WANT_WRITE) {
                        if (!wait(POLLOUT, d)) return false;
                        continue;
                    }
                    if (e == SSL_ERROR_WANT_READ) {
                        if (!wait(POLLIN, d)) return false;
                        continue;
                    }
                    return false;
                }
            } else {
                put = ::send(fd, data, n, MSG_NOSIGNAL);
                if (put < 0) {
                    if (errno == EINTR) continue;
                    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
                    if (!wait(POLLOUT, d)) return false;
                    continue;
                }
            }
            data += put;
            n -= static_cast<size_t>(put);
        }
        return true;
    }

    // Reads more into `pending`; false at end of stream, error or deadline.
    bool fill(Deadline d) {
        char buf[kReadChunk];
        ssize_t r = recv_some(buf, sizeof buf, d);
        if (r <= 0) return false;
        pending.append(buf, static_cast<size_t>(r));
        return true;
    }

    // Reads and drops what the peer still sends, briefly, then the caller
    // closes: see kLingerBytes.
    void linger() {
        if (!ssl) ::shutdown(fd, SHUT_WR);
        Deadline d = Clock::now() + kLingerTime;
        size_t dropped = 0;
        char buf[16 * 1024];
        while (dropped < kLingerBytes) {
            ssize_t r = recv_some(buf, sizeof buf, d);
            if (r <= 0) break;
            dropped += static_cast<size_t>(r);
        }
    }
};

namespace {

enum class HeadResult { ok, closed, timeout, too_large, line_too_long, bad };

// Reads one request head (up to the blank line) into `head`; what follows
// it stays in c.pending.
HeadResult read_head(Front::Conn& c, Deadline deadline, size_t max_bytes, size_t max_lines, RequestHead& head,
                     std::string& error) {
    // Blank lines before a request are allowed (RFC 9112 §2.2).
    size_t end = std::string::npos, scanned = 0;
    for (;;) {
        while (c.pending.rfind("\r\n", 0) == 0) {
            c.pending.erase(0, 2);
            scanned = 0;
        }
        end = c.pending.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
        if (end != std::string::npos) break;
        scanned = c.pending.size();
        size_t first_line = c.pending.find("\r\n");
        if ((first_line == std::string::npos ? c.pending.size() : first_line) > kMaxRequestLine) return HeadResult::line_too_long;
        if (c.pending.size() > max_bytes) return HeadResult::too_large;
        bool had_bytes = !c.pending.empty();
        if (!c.fill(deadline)) return Clock::now() >= deadline && had_bytes ? HeadResult::timeout : HeadResult::closed;
    }
    if (end + 4 > max_bytes) return HeadResult::too_large;
    std::string text = c.pending.substr(0, end + 2);
    c.pending.erase(0, end + 4);

    size_t eol = text.find("\r\n");
    std::string line = text.substr(0, eol);
    if (line.size() > kMaxRequestLine) return HeadResult::line_too_long;
    size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return error = "The request line is malformed.", HeadResult::bad;
    head.method = line.substr(0, sp1);
    head.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    head.version = line.substr(sp2 + 1);
    if (head.version != "HTTP/1.1" && head.version != "HTTP/1.0")
        return error = "Only HTTP/1.1 and HTTP/1.0 are served.", HeadResult::bad;
    if (head.target.empty() || head.target[0] != '/' || head.target.find(' ') != std::string::npos)
        return error = "The request target is malformed.", HeadResult::bad;

    size_t lines = 0;
    for (size_t pos = eol + 2; pos < text.size();) {
        size_t next = text.find("\r\n", pos);
        std::string h = text.substr(pos, next - pos);
        pos = next + 2;
        if (++lines > max_lines) return HeadResult::too_large;
        if (h.size() > kMaxHeaderLine) return HeadResult::too_large;
        size_t colon = h.find(':');
        if (colon == 0 || colon == std::string::npos ||
            !std::all_of(h.begin(), h.begin() + static_cast<long>(colon), [](unsigned char ch) { return is_token_char(ch); }))
            return error = "A header line is malformed.", HeadResult::bad;
        head.headers.emplace(h.substr(0, colon), trim(h.substr(colon + 1)));
    }

    // Framing: one Content-Length or chunked, never both (request smuggling).
    auto cls = head.headers.equal_range("Content-Length");
    for (auto it = cls.first; it != cls.second; ++it) {
        const std::string& v = it->second;
        if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch); }))
            return error = "Content-Length is not a number.", HeadResult::bad;
        uint64_t n = std::stoull(v);
        if (head.content_length && *head.content_length != n)
            return error = "Content-Length is given twice, differently.", HeadResult::bad;
        head.content_length = n;
    }
    if (head.headers.count("Transfer-Encoding")) {
        std::string te = lower(head.headers.find("Transfer-Encoding")->second);
        if (head.headers.count("Transfer-Encoding") > 1 || te != "chunked")
            return error = "Only the chunked transfer encoding is accepted.", HeadResult::bad;
        if (head.content_length) return error = "Content-Length and chunked encoding together are ambiguous.", HeadResult::bad;
        head.chunked = true;
    }
    return HeadResult::ok;
}

enum class BodyResult { ok, closed, timeout, too_large, bad };

// Decodes a chunked body into `out`, never holding more than `limit`
// decoded bytes nor a framing line longer than kMaxChunkLine.
BodyResult read_chunked(Front::Conn& c, Deadline d, uint64_t limit, size_t max_trailer, std::string& out) {
    auto line = [&](std::string& l, size_t max) -> BodyResult {
        for (;;) {
            size_t eol = c.pending.find("\r\n");
            if (eol != std::string::npos) {
                if (eol > max) return BodyResult::bad;
                l = c.pending.substr(0, eol);
                c.pending.erase(0, eol + 2);
                return BodyResult::ok;
            }
            if (c.pending.size() > max) return BodyResult::bad;
            if (!c.fill(d)) return Clock::now() >= d ? BodyResult::timeout : BodyResult::closed;
        }
    };
    for (;;) {
        std::string l;
        if (auto r = line(l, kMaxChunkLine); r != BodyResult::ok) return r;
        std::string size_text = trim(l.substr(0, l.find(';')));
        if (size_text.empty() || size_text.size() > 15 ||
            !std::all_of(size_text.begin(), size_text.end(), [](unsigned char ch) { return std::isxdigit(ch); }))
            return BodyResult::bad;
        uint64_t n = std::stoull(size_text, nullptr, 16);
        if (n == 0) break;
        if (out.size() + n > limit) return BodyResult::too_large;
        while (c.pending.size() < n + 2)
            if (!c.fill(d)) return Clock::now() >= d ? BodyResult::timeout : BodyResult::closed;
        if (c.pending.compare(n, 2, "\r\n") != 0) return BodyResult::bad;
        out.append(c.pending, 0, n);
        c.pending.erase(0, n + 2);
    }
    // Trailer fields are read and dropped; their total counts against the head cap.
    size_t trailer = 0;
    for (;;) {
        std::string l;
        if (auto r = line(l, kMaxHeaderLine); r != BodyResult::ok) return r;
        if (l.empty()) return BodyResult::ok;
        trailer += l.size() + 2;
        if (trailer > max_trailer) return BodyResult::too_large;
    }
}

// What cpp-httplib reads: the head the front rebuilt, then the body (held
// in `prefix`, or streamed from the connection up to `stream_left` bytes).
class FrontStream : public httplib::Stream {
public:
    FrontStream(Front::Conn& c, std::string prefix, uint64_t stream_left)
        : c_(c), prefix_(std::move(prefix)), left_(stream_left) {}

    bool is_readable() const override { return off_ < prefix_.size() || left_ > 0; }
    bool is_writable() const override { return true; }

    ssize_t read(char* ptr, size_t size) override {
        if (off_ < prefix_.size()) {
            size_t n = std::min(size, prefix_.size() - off_);
            std::memcpy(ptr, prefix_.data() + off_, n);
            off_ += n;
            return static_cast<ssize_t>(n);
        }
        if (left_ == 0) return 0;
        size = static_cast<size_t>(std::min<uint64_t>(size, left_));
        ssize_t n;
        if (!c_.pending.empty()) {
            n = static_cast<ssize_t>(std::min(size, c_.pending.size()));
            std::memcpy(ptr, c_.pending.data(), static_cast<size_t>(n));
            c_.pending.erase(0, static_cast<size_t>(n));
        } else {
            n = c_.recv_some(ptr, size, Clock::now() + c_.io_timeout);
            if (n <= 0) return -1;
        }
        left_ -= static_cast<uint64_t>(n);
        return n;
    }

    ssize_t write(const char* ptr, size_t size) override {
        return c_.send_all(ptr, size, Clock::now() + c_.io_timeout) ? static_cast<ssize_t>(size) : -1;
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = c_.addr;
        port = c_.port;
    }

    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage a{};
        socklen_t len = sizeof a;
        if (::getsockname(c_.fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
            ip = peer_address(a);
            port = port_of(a);
        }
    }

    socket_t socket() const override { return c_.fd; }
    bool body_done() const { return left_ == 0; }

private:
    Front::Conn& c_;
    std::string prefix_;
    size_t off_ = 0;
    uint64_t left_;
};

// The head cpp-httplib gets: the client's, with the body framed by an
// exact Content-Length (the front already dealt with chunks and Expect).
std::string rebuilt_head(const RequestHead& h, uint64_t body_length) {
    std::string s = h.method + " " + h.target + " " + h.version + "\r\n";
    for (const auto& [k, v] : h.headers) {
        std::string name = lower(k);
        if (name == "content-length" || name == "transfer-encoding" || name == "expect") continue;
        s += k + ": " + v + "\r\n";
    }
    return s + "Content-Length: " + std::to_string(body_length) + "\r\n\r\n";
}

}  // namespace

Front::Front(const ServerOptions& opt, Admit admit, Serve serve)
    : opt_(opt), admit_(std::move(admit)), serve_(std::move(serve)) {}

Front::~Front() {
    stop();
    if (tls_) SSL_CTX_free(tls_);
}

int Front::bind() {
    if (opt_.tls) {
        tls_ = SSL_CTX_new(TLS_server_method());
        bool ok = tls_ && SSL_CTX_set_min_proto_version(tls_, TLS1_2_VERSION) == 1 &&
                  SSL_CTX_use_certificate_chain_file(tls_, opt_.tls->cert.c_str()) == 1 &&
                  SSL_CTX_use_PrivateKey_file(tls_, opt_.tls->key.c_str(), SSL_FILETYPE_PEM) == 1 &&
                  SSL_CTX_check_private_key(tls_) == 1;
        if (!ok) {
            ERR_clear_error();
            throw Error("The server's TLS certificate or key could not be loaded.",
                        "cert " + opt_.tls->cert.string() + ", key " + opt_.tls->key.string());
        }
        SSL_CTX_set_mode(tls_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    }
    addrinfo hints{}, *found = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    std::string where = opt_.host + ":" + std::to_string(opt_.port);
    if (::getaddrinfo(opt_.host.c_str(), std::to_string(opt_.port).c_str(), &hints, &found) != 0 || !found)
        throw Error("The practice server could not listen on " + where + ".", "getaddrinfo failed");
    int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
    int yes = 1;
    bool ok = fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
              ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, 128) == 0;
    ::freeaddrinfo(found);
    if (!ok) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        throw Error("The practice server could not listen on " + where + ".", std::string("bind: ") + std::strerror(err));
    }
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    listen_fd_ = fd;
    return port_of(a);
}

void Front::start() {
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw Error("The practice server could not start.", "pipe2 failed");
    stopping_ = false;
    acceptor_ = std::thread([this] { accept_loop(); });
}

void Front::stop() {
    if (!acceptor_.joinable()) return;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        // Wakes every connection blocked on its socket; each thread closes its own.
        for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    char b = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &b, 1);
    acceptor_.join();
    std::unique_lock lock(mu_);
    all_closed_.wait(lock, [&] { return open_ == 0; });
    lock.unlock();
    join_ended();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
    listen_fd_ = wake_[0] = wake_[1] = -1;
}

bool Front::take_slot(const std::string& addr, int fd) {
    std::lock_guard lock(mu_);
    if (stopping_ || open_ >= opt_.max_connections || per_address_[addr] >= opt_.max_connections_per_address) {
        if (per_address_[addr] == 0) per_address_.erase(addr);
        return false;
    }
    ++open_;
    ++per_address_[addr];
    fds_.insert(fd);  // in the same breath, so stop() sees every connection it must end
    return true;
}

void Front::release_slot(const std::string& addr) {
    std::lock_guard lock(mu_);
    if (--per_address_[addr] <= 0) per_address_.erase(addr);
    // A connection's thread hands itself over to be joined (it cannot join itself).
    if (auto it = workers_.find(std::this_thread::get_id()); it != workers_.end()) {
        ended_.push_back(std::move(it->second));
        workers_.erase(it);
    }
    if (--open_ == 0) all_closed_.notify_all();
}

// Joins the connection threads that have ended; each has released its slot
// and has only its own unwinding left, so this waits hardly at all.
void Front::join_ended() {
    std::vector<std::thread> ended;
    {
        std::lock_guard lock(mu_);
        ended.swap(ended_);
    }
    for (auto& t : ended) t.join();
}

void Front::accept_loop() {
    for (;;) {
        join_ended();
        pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(p, 2, -1) < 0 && errno != EINTR) break;
        if (p[1].revents) break;
        if (!(p[0].revents & POLLIN)) continue;
        sockaddr_storage peer{};
        socklen_t len = sizeof peer;
        int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            // Out of descriptors: let a connection end before accepting more.
            if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::string addr = peer_address(peer);
        if (!take_slot(addr, fd)) {
            // Refused at once, in one non-blocking write: a full server never
            // waits on a client it will not serve.
            std::string r = error_response(
                {503, "unavailable", "The server has too many open connections. Try again in a moment.", 1}, true);
            [[maybe_unused]] auto sent = ::send(fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            ::shutdown(fd, SHUT_WR);
            char buf[4096];
            while (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
            }
            ::close(fd);
            continue;
        }
        auto conn = std::make_shared<Conn>();
        conn->fd = fd;
        conn->addr = addr;
        conn->port = port_of(peer);
        conn->io_timeout = opt_.io_timeout;
        auto done = [this](const std::shared_ptr<Conn>& ended) {
            std::string from = ended->addr;
            int sock = ended->fd;
            {
                std::lock_guard lock(mu_);
                fds_.erase(sock);  // before close: stop() must not shut down a reused number
            }
            ::close(sock);
            release_slot(from);  // last: stop() waits for every slot, then joins the threads
        };
        try {
            std::lock_guard lock(mu_);  // listed in workers_ before it can reach release_slot
            std::thread t([this, conn, done]() mutable {
                try {
                    serve_connection(*conn);
                } catch (const std::exception& e) {
                    spdlog::error("practice-server: connection from {}: {}", conn->addr, e.what());
                }
                done(conn);
            });
            workers_.emplace(t.get_id(), std::move(t));
        } catch (const std::system_error& e) {
            spdlog::error("practice-server: no thread for a connection: {}", e.what());
            done(conn);
        }
    }
}

void Front::serve_connection(Conn& c) {
    Deadline deadline = Clock::now() + opt_.head_timeout;  // the first head, TLS handshake included
    if (tls_) {
        c.ssl = SSL_new(tls_);
        if (!c.ssl || SSL_set_fd(c.ssl, c.fd) != 1 || !c.handshake(deadline)) return;
    }
    auto refuse = [&](const ApiError& e, const RequestHead* h = nullptr) {
        if (opt_.access_log)  // path only, as the access log (never queries or headers)
            spdlog::info("practice-server: {} {} {} -> {} (refused by the front)", c.addr, h ? h->method : "-",
                         h ? h->target.substr(0, h->target.find_first_of("?#")) : "-", e.status);
        std::string r = error_response(e, true);
        if (c.send_all(r.data(), r.size(), Clock::now() + c.io_timeout)) c.linger();
    };
    for (bool first = true;; first = false) {
        if (!first) {
            // Between requests: idle at most idle_timeout, then the next head has its own deadline.
            if (c.pending.empty()) {
                char b[kReadChunk];
                ssize_t r = c.recv_some(b, sizeof b, Clock::now() + opt_.idle_timeout);
                if (r <= 0) return;
                c.pending.append(b, static_cast<size_t>(r));
            }
            deadline = Clock::now() + opt_.head_timeout;
        }
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
        }
        RequestHead head;
        head.remote_addr = c.addr;
        std::string why;
        switch (read_head(c, deadline, opt_.max_head_bytes, opt_.max_header_lines, head, why)) {
            case HeadResult::ok: break;
            case HeadResult::closed: return;
            case HeadResult::timeout:
                return refuse({408, "request_timeout", "The request did not arrive in time."});
            case HeadResult::too_large:
                return refuse({431, "headers_too_large", "The request's headers are larger than the server accepts."});
            case HeadResult::line_too_long:
                return refuse({414, "bad_request", "The request line is longer than the server accepts."});
            case HeadResult::bad: return refuse({400, "bad_request", why});
        }

        Admission a = admit_(head);
        if (a.refusal) return refuse(*a.refusal, &head);
        if (head.content_length && *head.content_length > a.body_limit)
            return refuse({413, "too_large", "The request body is larger than the server accepts."}, &head);
        if (a.stream && !head.content_length && head.chunked)
            return refuse({411, "length_required", "This upload needs a Content-Length."}, &head);
        if (lower(head.headers.count("Expect") ? head.headers.find("Expect")->second : "") == "100-continue" &&
            head.version == "HTTP/1.1") {
            static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
            if (!c.send_all(cont.data(), cont.size(), Clock::now() + c.io_timeout)) return;
        }

        uint64_t length = head.content_length.value_or(0);
        std::string prefix;
        uint64_t streamed = 0;
        if (a.stream) {
            prefix = rebuilt_head(head, length);
            streamed = length;
        } else {
            // Small bodies are read whole, within the same deadline as the head.
            std::string body;
            if (head.chunked) {
                switch (read_chunked(c, deadline, a.body_limit, opt_.max_head_bytes, body)) {
                    case BodyResult::ok: break;
                    case BodyResult::closed: return;
                    case BodyResult::timeout: return refuse({408, "request_timeout", "The request did not arrive in time."});
                    case BodyResult::too_large:
                        return refuse({413, "too_large", "The request body is larger than the server accepts."});
                    case BodyResult::bad: return refuse({400, "bad_request", "The chunked body is malformed."});
                }
            } else {
                while (c.pending.size() < length) {
                    if (!c.fill(deadline)) {
                        if (Clock::now() >= deadline) refuse({408, "request_timeout", "The request did not arrive in time."});
                        return;
                    }
                }
                body = c.pending.substr(0, length);
                c.pending.erase(0, length);
            }
            prefix = rebuilt_head(head, body.size()) + body;
        }

        FrontStream stream(c, std::move(prefix), streamed);
        bool closed = false;
        bool stopping;
        {
            std::lock_guard lock(mu_);
            stopping = stopping_;
        }
        bool ok = serve_(stream, stopping, closed, c.ssl);
        if (!ok || closed || stopping || !stream.body_done()) return;
    }
}

}  // namespace cs::server
