#pragma once
// A loopback TCP proxy that puts faults between a client and a real server
// we did not write (Orthanc), where no fault rule can be set inside the
// server: connections pass through unchanged unless a fault is armed for the
// next ones.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace cs::test {

class TcpProxy {
public:
    enum class Fault {
        none,
        close_at_once,  // the connection is closed as soon as it is accepted
        answer_503,     // the request is read, never forwarded, and answered 503
        drop_answer,    // the request reaches the server; its answer is swallowed and the connection closed
        stall,          // the request is read, never forwarded, and never answered
    };

    explicit TcpProxy(int target_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    int port() const { return port_; }
    // The next `count` connections meet `fault`; later ones pass through.
    void fault_next(Fault fault, int count = 1);
    int faults_left() const;

private:
    void accept_loop();
    void handle(int client, Fault fault);
    int target_port_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mu_;
    Fault fault_ = Fault::none;
    int fault_count_ = 0;
    std::vector<std::thread> handlers_;
    std::thread acceptor_;
};

}  // namespace cs::test
