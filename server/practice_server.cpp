// PracticeServer: lifecycle, routing, the one wrapper every call goes through
// (faults, auth, errors), and the read-only looks tests use.
#include <csignal>
#include <spdlog/spdlog.h>

#include "engine/util/disk_full.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "server/core.h"

namespace cs::server {

void fail(int status, std::string code, std::string message) {
    throw ApiError{status, std::move(code), std::move(message)};
}

void send_json(httplib::Response& res, int status, const Json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, const ApiError& e) {
    send_json(res, e.status, Json{{"error", {{"code", e.code}, {"message", e.message}}}});
    if (e.retry_after >= 0) res.set_header("Retry-After", std::to_string(e.retry_after));
}

Json parse_json_body(const httplib::Request& req, uint64_t max_bytes) {
    if (req.body.size() > max_bytes) fail(413, "too_large", "The request body is larger than the server accepts.");
    Json j = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail(400, "bad_json", "The request body is not valid JSON.");
    if (!j.is_object()) fail(400, "bad_json", "The request body must be a JSON object.");
    return j;
}

void Database::open(const std::filesystem::path& file) {
    std::lock_guard lock(mu_);
    db_ = std::make_unique<sql::Db>(file);
}

void Database::close() {
    std::lock_guard lock(mu_);
    db_.reset();
}

bool Sleeper::sleep_for(double seconds) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return stopping_; });
}

void Sleeper::stop() {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
}

void Sleeper::reset() {
    std::lock_guard lock(mu_);
    stopping_ = false;
}

namespace {
const char* default_code(int status) {
    switch (status) {
        case 400: return "bad_request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 409: return "conflict";
        case 413: return "too_large";
        case 429: return "rate_limited";
        case 503: return "unavailable";
        default: return status >= 500 ? "internal" : "bad_request";
    }
}
}  // namespace

void PracticeServer::Impl::route(const char* method, const std::string& pattern, Auth auth, Handler h) {
    auto fn = [this, auth, h](const httplib::Request& req, httplib::Response& res) { dispatch(req, res, auth, h); };
    std::string m = method;
    if (m == "GET") http->Get(pattern, fn);
    else if (m == "POST") http->Post(pattern, fn);
    else if (m == "PUT") http->Put(pattern, fn);
    else if (m == "DELETE") http->Delete(pattern, fn);
}

void PracticeServer::Impl::install_routes() {
    const std::string id = "([^/]+)";
    const std::string proc = "/api/v1/imaging-procedures/" + id;
    route("GET", "/api/v1/health", Auth::none, &Impl::health);
    route("POST", "/api/v1/sessions", Auth::none, &Impl::sign_in);
    route("DELETE", "/api/v1/sessions", Auth::bearer, &Impl::sign_out);
    route("GET", "/api/v1/sessions", Auth::bearer, &Impl::current_session);
    route("GET", "/api/v1/patients", Auth::bearer, &Impl::find_patients);
    route("GET", "/api/v1/patients/search", Auth::bearer, &Impl::search_patients);
    route("GET", "/api/v1/patients/" + id, Auth::bearer, &Impl::get_patient);
    route("GET", "/api/v1/locations/" + id + "/providers", Auth::bearer, &Impl::location_providers);
    route("GET", "/api/v1/imaging-procedure-types", Auth::bearer, &Impl::procedure_types);
    route("PUT", proc, Auth::bearer, &Impl::declare_procedure);
    route("GET", proc, Auth::bearer, &Impl::get_procedure);
    route("DELETE", proc, Auth::bearer, &Impl::withdraw_procedure);
    route("POST", proc + "/commit", Auth::bearer, &Impl::commit_procedure);
    route("PUT", proc + "/images/" + id, Auth::bearer, &Impl::upload_image);
    route("POST", "/api/v1/admin/faults", Auth::loopback_admin, &Impl::admin_add_fault);
    route("DELETE", "/api/v1/admin/faults", Auth::loopback_admin, &Impl::admin_clear_faults);

    // Answers httplib makes itself (unknown path, body over the limit) get
    // the documented error body too.
    http->set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        std::string msg = res.status == 404   ? "There is no such call in this API."
                          : res.status == 413 ? "The request body is larger than the server accepts."
                                              : "The server could not handle this request.";
        send_error(res, ApiError{res.status, default_code(res.status), msg});
    });
    if (opt.access_log) {
        // Path only: queries carry patient names, headers carry tokens.
        http->set_logger([](const httplib::Request& req, const httplib::Response& res) {
            spdlog::info("practice-server: {} {} {} -> {}", req.remote_addr, req.method, req.path, res.status);
        });
    }
}

void PracticeServer::Impl::dispatch(const httplib::Request& req, httplib::Response& res, Auth auth, Handler h) {
    // The admin calls are never subject to faults: they are how faults end.
    std::optional<FaultRule> fault;
    if (auth != Auth::loopback_admin) fault = faults.take(req.method, req.path);
    try {
        if (fault && fault->action == FaultRule::Action::stall) sleeper.sleep_for(fault->seconds);
        if (fault && fault->action == FaultRule::Action::fail) {
            throw ApiError{fault->status, default_code(fault->status), "Injected fault: the server refused this request.",
                           fault->retry_after};
        }
        Call c{req, res, {}};
        if (auth == Auth::bearer) c.user_id = authenticate(req);
        if (auth == Auth::loopback_admin) {
            bool loopback = req.remote_addr.rfind("127.", 0) == 0 || req.remote_addr == "::1" ||
                            req.remote_addr == "::ffff:127.0.0.1";
            if (!opt.allow_fault_admin) fail(403, "forbidden", "Fault injection is not enabled on this server.");
            if (!loopback) fail(403, "forbidden", "Fault injection is accepted only from this computer.");
        }
        (this->*h)(c);
    } catch (const ApiError& e) {
        send_error(res, e);
    } catch (const cs::DiskFullError& e) {
        // A failed write stored nothing (temporary file removed, transaction rolled back).
        spdlog::error("practice-server: {} {}: disk full ({})", req.method, req.path, e.detail());
        send_error(res, ApiError{507, "insufficient_storage",
                                 "The server's disk is full, so nothing was stored. Free space on the server, then "
                                 "try again."});
    } catch (const cs::Error& e) {
        spdlog::error("practice-server: {} {}: {} ({})", req.method, req.path, e.what(), e.detail());
        send_error(res, ApiError{500, "internal", e.what()});
    } catch (const std::exception& e) {
        spdlog::error("practice-server: {} {}: {}", req.method, req.path, e.what());
        send_error(res, ApiError{500, "internal", "The server failed while handling this request."});
    }
    if (fault) apply_fault_after(*fault, req, res);
}

namespace {
// A write killed with the process leaves its temporary file; nothing is
// written before start(), so every one found then is stale.
void remove_stale_temp_files(const std::filesystem::path& images_dir) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(images_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && fsx::is_temp_name(it->path())) {
            spdlog::info("practice-server: removing {} left by an interrupted write", it->path().string());
            fsx::remove_durable(it->path());
        }
    }
    if (ec) spdlog::warn("practice-server: could not look for stale temporary files: {}", ec.message());
}
}  // namespace

PracticeServer::PracticeServer(ServerOptions opt) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(opt); }

PracticeServer::~PracticeServer() { stop(); }

void PracticeServer::start() {
    Impl& s = *impl_;
    if (s.running) return;
    // A peer that vanishes mid-answer must not kill the process.
    if (std::signal(SIGPIPE, SIG_IGN) == SIG_ERR) spdlog::warn("practice-server: could not ignore SIGPIPE");

    fsx::create_dirs_durable(s.opt.images_dir);
    remove_stale_temp_files(s.opt.images_dir);
    if (s.opt.db.has_parent_path()) fsx::create_dirs_durable(s.opt.db.parent_path());
    s.db.open(s.opt.db);
    s.db.with([&](sql::Db& db) {
        create_schema(db);
        if (s.opt.seed == "demo" && database_is_empty(db)) seed_demo(db, s.opt.pin_hash_iterations);
        else if (!s.opt.seed.empty() && s.opt.seed != "demo")
            throw Error("Unknown seed \"" + s.opt.seed + "\"; the only seed is \"demo\".");
    });

    if (s.opt.tls) {
        auto ssl = std::make_unique<httplib::SSLServer>(s.opt.tls->cert.c_str(), s.opt.tls->key.c_str());
        if (!ssl->is_valid()) {
            s.db.close();
            throw Error("The server's TLS certificate or key could not be loaded.",
                        "cert " + s.opt.tls->cert.string() + ", key " + s.opt.tls->key.string());
        }
        s.http = std::move(ssl);
    } else {
        s.http = std::make_unique<httplib::Server>();
    }
    s.http->set_payload_max_length(std::max(s.opt.max_image_bytes, s.opt.max_json_bytes));
    s.http->set_read_timeout(30, 0);
    s.http->set_write_timeout(30, 0);
    // Headers and body go out in separate writes; without TCP_NODELAY each
    // small answer waits ~40 ms for the peer's delayed ACK.
    s.http->set_tcp_nodelay(true);
    s.install_routes();

    int port = s.opt.port == 0 ? s.http->bind_to_any_port(s.opt.host)
                               : (s.http->bind_to_port(s.opt.host, s.opt.port) ? s.opt.port : -1);
    if (port <= 0) {
        s.http.reset();
        s.db.close();
        throw Error("The practice server could not listen on " + s.opt.host + ":" + std::to_string(s.opt.port) + ".",
                    "bind failed");
    }
    s.port = port;
    s.sleeper.reset();
    s.thread = std::thread([&s] { s.http->listen_after_bind(); });
    // httplib's stop() is a no-op until the loop runs: wait for it.
    while (!s.http->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s.running = true;
}

void PracticeServer::stop() {
    Impl& s = *impl_;
    if (!s.running) return;
    s.sleeper.stop();
    s.http->stop();
    if (s.thread.joinable()) s.thread.join();
    s.http.reset();
    s.db.close();
    s.running = false;
}

int PracticeServer::port() const { return impl_->port; }

std::string PracticeServer::base_url() const {
    std::string host = impl_->opt.host == "0.0.0.0" ? "127.0.0.1" : impl_->opt.host;
    return (impl_->opt.tls ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

void PracticeServer::add_fault(const FaultRule& rule) { impl_->faults.add(rule); }
void PracticeServer::clear_faults() { impl_->faults.clear(); }

int PracticeServer::charge_count(const std::string& uuid) const {
    return impl_->db.with([&](sql::Db& db) {
        auto st = db.prepare("SELECT count(*) FROM charges WHERE procedure_uuid = ?1");
        st.bind_all(uuid);
        st.step();
        return static_cast<int>(st.i64(0));
    });
}

int PracticeServer::total_charges() const {
    return impl_->db.with([&](sql::Db& db) {
        auto st = db.prepare("SELECT count(*) FROM charges");
        st.step();
        return static_cast<int>(st.i64(0));
    });
}

std::optional<int64_t> PracticeServer::charge_amount_cents(const std::string& uuid) const {
    return impl_->db.with([&](sql::Db& db) -> std::optional<int64_t> {
        auto st = db.prepare("SELECT amount_cents FROM charges WHERE procedure_uuid = ?1");
        st.bind_all(uuid);
        if (!st.step()) return std::nullopt;
        return st.i64(0);
    });
}

std::string PracticeServer::procedure_state(const std::string& uuid) const {
    return impl_->db.with([&](sql::Db& db) {
        auto st = db.prepare("SELECT state FROM procedures WHERE uuid = ?1");
        st.bind_all(uuid);
        return st.step() ? st.text(0) : std::string();
    });
}

std::filesystem::path PracticeServer::image_path(const std::string& proc, const std::string& img) const {
    return impl_->image_file(proc, img);
}

std::string PracticeServer::stored_image_sha256(const std::string& proc, const std::string& img) const {
    auto p = image_path(proc, img);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return {};
    return sha256_file(p);
}

std::filesystem::path PracticeServer::Impl::image_file(const std::string& proc, const std::string& img) const {
    // Both are validated uuids before any file is written, so no path tricks.
    return opt.images_dir / proc / img;
}

}  // namespace cs::server
