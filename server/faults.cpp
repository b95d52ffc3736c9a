// Fault injection for tests and demos: refuse, stall, drop the connection
// after the work is done, trickle, or spoil the answer.
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <filesystem>
#include <spdlog/spdlog.h>

#include "engine/util/json_text.h"
#include "server/core.h"

namespace cs::server {

namespace {

const std::pair<FaultRule::Action, const char*> kActionNames[] = {
    {FaultRule::Action::fail, "fail"},
    {FaultRule::Action::drop_after_commit, "drop_after_commit"},
    {FaultRule::Action::stall, "stall"},
    {FaultRule::Action::trickle, "trickle"},
    {FaultRule::Action::malformed, "malformed"},
    {FaultRule::Action::huge, "huge"},
    {FaultRule::Action::wrong_patient, "wrong_patient"},
};

// httplib does not hand handlers their socket: find the one whose two ends
// are this request's ports.
int socket_of(const httplib::Request& req) {
    if (req.ssl) return SSL_get_fd(req.ssl);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        int fd = -1;
        try {
            fd = std::stoi(e.path().filename().string());
        } catch (...) {
            continue;
        }
        sockaddr_storage peer{}, local{};
        socklen_t pl = sizeof peer, ll = sizeof local;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
        if (port_of(peer) == req.remote_port && port_of(local) == req.local_port) return fd;
    }
    return -1;
}

// Rewrites every patient id in an answer to another patient's.
void swap_patients(Json& j, const std::function<std::string(const std::string&)>& other) {
    if (j.is_object()) {
        for (auto& [key, value] : j.items()) {
            if (key == "patient_id" && value.is_string()) value = other(value.get<std::string>());
            else if (key == "patients" && value.is_array()) {
                for (auto& p : value)
                    if (p.is_object() && p.contains("id") && p["id"].is_string()) p["id"] = other(p["id"].get<std::string>());
            } else swap_patients(value, other);
        }
    } else if (j.is_array()) {
        for (auto& v : j) swap_patients(v, other);
    }
}

}  // namespace

std::string to_string(FaultRule::Action a) {
    for (const auto& [act, name] : kActionNames)
        if (act == a) return name;
    return "fail";
}

std::optional<FaultRule::Action> fault_action_from_string(const std::string& s) {
    for (const auto& [act, name] : kActionNames)
        if (s == name) return act;
    return std::nullopt;
}

void FaultBook::add(const FaultRule& r) {
    std::lock_guard lock(mu_);
    if (r.count != 0) rules_.push_back(r);
}

void FaultBook::clear() {
    std::lock_guard lock(mu_);
    rules_.clear();
}

namespace {
bool applies(const FaultRule& r, const std::string& method, const std::string& path) {
    return (r.method.empty() || r.method == method) && path.find(r.path_contains) != std::string::npos;
}
}  // namespace

bool FaultBook::matches(const std::string& method, const std::string& path) {
    std::lock_guard lock(mu_);
    return std::any_of(rules_.begin(), rules_.end(), [&](const FaultRule& r) { return applies(r, method, path); });
}

std::optional<FaultRule> FaultBook::take(const std::string& method, const std::string& path) {
    std::lock_guard lock(mu_);
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        if (!applies(*it, method, path)) continue;
        FaultRule r = *it;
        if (it->count > 0 && --it->count == 0) rules_.erase(it);
        return r;
    }
    return std::nullopt;
}

void drop_connection(const httplib::Request& req) {
    int fd = socket_of(req);
    if (fd < 0) {
        spdlog::warn("practice-server: fault could not find the connection to drop");
        return;
    }
    // shutdown, not close: httplib still owns the descriptor and closes it
    // once its write fails, so no other connection can inherit the number.
    ::shutdown(fd, SHUT_RDWR);
}

Json fault_to_json(const FaultRule& r) {
    return {{"action", to_string(r.action)}, {"method", r.method},   {"path_contains", r.path_contains},
            {"count", r.count},              {"status", r.status},   {"seconds", r.seconds},
            {"bytes", r.bytes},              {"retry_after", r.retry_after}};
}

FaultRule fault_from_json(const Json& j) {
    FaultRule r;
    try {
        auto action = fault_action_from_string(j.value("action", std::string("fail")));
        if (!action) fail(400, "bad_request", "Unknown fault action.");
        r.action = *action;
        r.method = j.value("method", std::string());
        r.path_contains = j.value("path_contains", std::string());
        r.count = j.value("count", 1);
        r.status = j.value("status", 500);
        r.seconds = j.value("seconds", 0.0);
        r.bytes = j.value("bytes", uint64_t{0});
        r.retry_after = j.value("retry_after", -1);
    } catch (const Json::exception&) {
        fail(400, "bad_request", "A fault field has the wrong type.");
    }
    if (r.status < 100 || r.status > 599) fail(400, "bad_request", "\"status\" must be an HTTP status.");
    if (r.seconds < 0 || r.seconds > 3600) fail(400, "bad_request", "\"seconds\" must be between 0 and 3600.");
    return r;
}

void PracticeServer::Impl::admin_add_fault(Call& c) {
    FaultRule r = fault_from_json(parse_json_body(c.req, opt.max_json_bytes));
    faults.add(r);
    send_json(c.res, 201, fault_to_json(r));
}

void PracticeServer::Impl::admin_clear_faults(Call& c) {
    faults.clear();
    c.res.status = 204;
}

std::string PracticeServer::Impl::other_patient_id(const std::string& id) {
    return db->read([&](Tx& t) { return t.patient_other_than(id); }).value_or(id + "-other");
}

void PracticeServer::Impl::apply_fault_after(const FaultRule& rule, const httplib::Request& req, httplib::Response& res) {
    using A = FaultRule::Action;
    switch (rule.action) {
        case A::fail:
        case A::stall:
            return;
        case A::drop_after_commit:
            drop_connection(req);
            return;
        case A::malformed:
            res.status = 200;
            res.set_content("{\"uuid\": \"not json after all", "application/json");
            return;
        case A::huge: {
            res.status = 200;
            res.body.clear();  // httplib sends body, if any, instead of the provider
            res.headers.erase("Content-Type");
            uint64_t total = rule.bytes;
            res.set_content_provider(total, "application/json", [total](size_t offset, size_t length, httplib::DataSink& sink) {
                static const std::string block(64 * 1024, ' ');
                size_t n = std::min<size_t>({length, block.size(), static_cast<size_t>(total - offset)});
                return sink.write(block.data(), n);
            });
            return;
        }
        case A::wrong_patient: {
            Json j = Json::parse(res.body, nullptr, false);
            if (j.is_discarded()) return;
            swap_patients(j, [this](const std::string& id) { return other_patient_id(id); });
            res.body = dump_json(j);
            return;
        }
        case A::trickle: {
            auto body = std::make_shared<std::string>(std::move(res.body));
            std::string type = res.get_header_value("Content-Type");
            if (type.empty()) type = "application/json";
            size_t step = rule.bytes > 0 ? static_cast<size_t>(rule.bytes) : 8;
            double pause = rule.seconds;
            Sleeper* sl = &sleeper;
            res.body.clear();
            res.headers.erase("Content-Type");
            res.set_content_provider(body->size(), type, [body, step, pause, sl](size_t offset, size_t length, httplib::DataSink& sink) {
                size_t n = std::min(step, length);
                if (!sink.write(body->data() + offset, n)) return false;
                if (offset + n < body->size()) sl->sleep_for(pause);
                return true;
            });
            return;
        }
    }
}

}  // namespace cs::server
