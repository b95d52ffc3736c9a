#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

#include "loopback/orthanc.h"

namespace cs::test {

namespace {

constexpr int kTickMs = 50;  // how often blocked threads look at stop_

// Waits for fd to be readable; false on timeout tick.
bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, kTickMs) > 0;
}

void send_all(int fd, const std::string& s) {
    size_t sent = 0;
    while (sent < s.size()) {
        ssize_t n = ::send(fd, s.data() + sent, s.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
    }
}

// Reads one HTTP request (headers and a Content-Length body) and drops it.
// False when the client went away or the proxy stops first.
bool read_request(int fd, const std::atomic<bool>& stop) {
    std::string head;
    char buf[65536];
    size_t body_left = 0;
    bool in_body = false;
    while (!stop) {
        if (!readable(fd)) continue;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        if (in_body) {
            body_left -= std::min<size_t>(body_left, static_cast<size_t>(n));
        } else {
            head.append(buf, static_cast<size_t>(n));
            const size_t end = head.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            std::string lower = head.substr(0, end);
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            const size_t cl = lower.find("\r\ncontent-length:");
            const size_t length = cl == std::string::npos ? 0 : std::stoull(lower.substr(cl + 17));
            const size_t have = head.size() - (end + 4);
            body_left = length - std::min(length, have);
            in_body = true;
        }
        if (in_body && body_left == 0) return true;
    }
    return false;
}

int connect_loopback(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
    if (fd >= 0) ::close(fd);
    return -1;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
    listen_fd_ = loopback::bind_free_loopback_port(port_);
    if (::listen(listen_fd_, 16) != 0) throw std::runtime_error("the test proxy cannot listen on loopback");
    acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : handlers_) t.join();
    ::close(listen_fd_);
}

void TcpProxy::fault_next(Fault fault, int count) {
    std::lock_guard<std::mutex> lock(mu_);
    fault_ = fault;
    fault_count_ = count;
}

int TcpProxy::faults_left() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fault_count_;
}

void TcpProxy::accept_loop() {
    while (!stop_) {
        if (!readable(listen_fd_)) continue;
        int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        Fault f = Fault::none;
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (fault_count_ > 0) {
                f = fault_;
                --fault_count_;
            }
        }
        handlers_.emplace_back([this, client, f] { handle(client, f); });
    }
}

void TcpProxy::handle(int client, Fault fault) {
    if (fault == Fault::close_at_once) {
        ::close(client);
        return;
    }
    if (fault == Fault::answer_503) {
        if (read_request(client, stop_))
            send_all(client, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
                             "Connection: close\r\n\r\nUnavailable\n");
        ::close(client);
        return;
    }
    if (fault == Fault::stall) {
        char buf[65536];
        while (!stop_) {  // reads whatever comes, answers nothing, until the client gives up
            if (!readable(client)) continue;
            if (::recv(client, buf, sizeof buf, 0) <= 0) break;
        }
        ::close(client);
        return;
    }
    int server = connect_loopback(target_port_);
    if (server < 0) {
        ::close(client);
        return;
    }
    char buf[65536];
    bool open = true;
    while (open && !stop_) {
        pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(p, 2, kTickMs) <= 0) continue;
        for (int i = 0; i < 2 && open; ++i) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const int from = i == 0 ? client : server, to = i == 0 ? server : client;
            ssize_t n = ::recv(from, buf, sizeof buf, 0);
            if (n <= 0) {
                open = false;
            } else if (from == server && fault == Fault::drop_answer) {
                open = false;  // the server has answered, so it did the work; the client never hears
            } else {
                send_all(to, std::string(buf, static_cast<size_t>(n)));
            }
        }
    }
    ::close(server);
    ::close(client);
}

}  // namespace cs::test
