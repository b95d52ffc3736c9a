// PracticeServer: lifecycle, routing, the one wrapper every call goes through
// (faults, auth, errors), and the read-only looks tests use.
#include <csignal>
#include <spdlog/spdlog.h>

#include "engine/util/disk_full.h"
#include "engine/util/fsutil.h"
#include "engine/util/json_text.h"
#include "engine/util/sha256.h"
#include "server/core.h"
#include "server/practice_seed.h"

namespace cs::server {

void fail(int status, std::string code, std::string message) {
    throw ApiError{status, std::move(code), std::move(message)};
}

void send_json(httplib::Response& res, int status, const Json& body) {
    res.status = status;
    res.set_content(dump_json(body), "application/json");
}

void send_error(httplib::Response& res, const ApiError& e) {
    send_body(res, e.status, api::ErrorBody{e.code, e.message});
    if (e.retry_after >= 0) res.set_header("Retry-After", std::to_string(e.retry_after));
}

Json parse_json_body(const httplib::Request& req, uint64_t max_bytes) {
    if (req.body.size() > max_bytes) fail(413, "too_large", "The request body is larger than the server accepts.");
    Json j = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) fail(400, "bad_json", "The request body is not valid JSON.");
    if (!j.is_object()) fail(400, "bad_json", "The request body must be a JSON object.");
    return j;
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

HttpCore::HttpCore() {
    // The front bounds bodies per route; httplib's own cap (Content-Length only) is not the one.
    set_payload_max_length(std::numeric_limits<size_t>::max());
}

bool HttpCore::serve(httplib::Stream& s, bool close, bool& closed, const SSL* ssl) {
    return process_request(s, close, closed, [ssl](httplib::Request& r) { r.ssl = ssl; });
}

namespace {
const std::string kIdSegment = "([^/]+)";

// The path of a request target as httplib routes it: before any query or
// fragment, %XX decoded. (Anything decoded differently matches no route,
// which only makes the front stricter.)
std::string target_path(const std::string& target) {
    std::string raw = target.substr(0, target.find_first_of("?#")), out;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
            out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += raw[i];
        }
    }
    return out;
}

std::vector<std::string> split_at_slashes(const std::string& s) {
    std::vector<std::string> parts;
    for (size_t b = 0;;) {
        size_t e = s.find('/', b);
        parts.push_back(s.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) return parts;
        b = e + 1;
    }
}

// The values of the pattern's "([^/]+)" segments (marked "*") in `path`, as httplib's
// regex_match of the same pattern captures them; nullopt when it does not match.
std::optional<std::vector<std::string>> match_route(const std::vector<std::string>& segments, const std::string& path) {
    std::vector<std::string> parts = split_at_slashes(path), captures;
    if (parts.size() != segments.size()) return std::nullopt;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (segments[i] == "*") {
            if (parts[i].empty()) return std::nullopt;
            captures.push_back(parts[i]);
        } else if (segments[i] != parts[i]) {
            return std::nullopt;
        }
    }
    return captures;
}

// A route pattern's segments, split at '/', each "([^/]+)" as "*" (taken
// whole, as it holds a '/' itself). Read in one pass: GCC 12 warned
// (-Wrestrict, a false alarm) about the in-place string replace this was.
std::vector<std::string> route_segments(const std::string& pattern) {
    std::vector<std::string> segments(1);
    for (size_t i = 0; i < pattern.size();) {
        if (pattern.compare(i, kIdSegment.size(), kIdSegment) == 0) {
            segments.back() += '*';
            i += kIdSegment.size();
        } else if (pattern[i] == '/') {
            segments.emplace_back();
            ++i;
        } else {
            segments.back() += pattern[i++];
        }
    }
    return segments;
}
}  // namespace

void PracticeServer::Impl::route(const char* method, const std::string& pattern, Auth auth, Body body, Handler h) {
    rules.push_back({method, route_segments(pattern), auth, body});
    auto fn = [this, auth, h](const httplib::Request& req, httplib::Response& res) { dispatch(req, res, auth, h); };
    std::string m = method;
    if (m == "GET") http->Get(pattern, fn);
    else if (m == "POST") http->Post(pattern, fn);
    else if (m == "PUT") http->Put(pattern, fn);
    else if (m == "DELETE") http->Delete(pattern, fn);
}

void PracticeServer::Impl::install_routes() {
    const std::string& id = kIdSegment;
    const std::string proc = "/api/v1/imaging-procedures/" + id;
    route("GET", "/api/v1/health", Auth::none, Body::none, &Impl::health);
    route("POST", "/api/v1/sessions", Auth::none, Body::sign_in, &Impl::sign_in);
    route("POST", "/api/v1/setup/admin-pin", Auth::none, Body::sign_in, &Impl::check_admin_pin);
    route("DELETE", "/api/v1/sessions", Auth::bearer, Body::none, &Impl::sign_out);
    route("GET", "/api/v1/sessions", Auth::bearer, Body::none, &Impl::current_session);
    route("GET", "/api/v1/patients", Auth::bearer, Body::none, &Impl::find_patients);
    route("GET", "/api/v1/patients/search", Auth::bearer, Body::none, &Impl::search_patients);
    route("GET", "/api/v1/patients/" + id, Auth::bearer, Body::none, &Impl::get_patient);
    route("GET", "/api/v1/locations/" + id, Auth::bearer, Body::none, &Impl::get_location);
    route("GET", "/api/v1/locations/" + id + "/providers", Auth::bearer, Body::none, &Impl::location_providers);
    route("GET", "/api/v1/imaging-procedure-types", Auth::bearer, Body::none, &Impl::procedure_types);
    route("PUT", proc, Auth::bearer, Body::json, &Impl::declare_procedure);
    route("GET", proc, Auth::bearer, Body::none, &Impl::get_procedure);
    route("DELETE", proc, Auth::bearer, Body::none, &Impl::withdraw_procedure);
    route("POST", proc + "/commit", Auth::bearer, Body::json, &Impl::commit_procedure);
    route("PUT", proc + "/images/" + id, Auth::bearer, Body::image, &Impl::upload_image);
    route("POST", "/api/v1/admin/faults", Auth::loopback_admin, Body::json, &Impl::admin_add_fault);
    route("DELETE", "/api/v1/admin/faults", Auth::loopback_admin, Body::none, &Impl::admin_clear_faults);

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
        Call c{req, res, check_caller(req, auth)};
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
// A write killed with the process leaves its temporary file. Other servers
// may share the folder and be writing theirs now: those are locked, and
// stay (docs/server-backends.md).
void remove_stale_temp_files(const std::filesystem::path& images_dir) {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(images_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && fsx::is_temp_name(it->path()) && fsx::remove_abandoned_temp(it->path()))
            spdlog::info("practice-server: removed {} left by an interrupted write", it->path().string());
    }
    if (ec) spdlog::warn("practice-server: could not look for stale temporary files: {}", ec.message());
}
}  // namespace

std::string PracticeServer::Impl::check_caller(const httplib::Request& req, Auth auth) {
    if (auth == Auth::bearer) return authenticate(req);
    if (auth == Auth::loopback_admin) {
        bool loopback = req.remote_addr.rfind("127.", 0) == 0 || req.remote_addr == "::1" ||
                        req.remote_addr == "::ffff:127.0.0.1";
        if (!opt.allow_fault_admin) fail(403, "forbidden", "Fault injection is not enabled on this server.");
        if (!loopback) fail(403, "forbidden", "Fault injection is accepted only from this computer.");
    }
    return {};
}

// Decided from the head alone, before any body byte is read: the route, the
// caller, and how large a body this caller may send there.
Admission PracticeServer::Impl::admit(const RequestHead& head) {
    httplib::Request req;
    req.method = head.method;
    req.path = target_path(head.target);
    req.headers = head.headers;
    req.remote_addr = head.remote_addr;
    Admission a;
    try {
        const Rule* rule = nullptr;
        std::vector<std::string> params;
        for (const auto& r : rules) {
            if (r.method != req.method) continue;
            if (auto m = match_route(r.segments, req.path)) {
                rule = &r;
                params = std::move(*m);
                break;
            }
        }
        if (!rule) fail(404, "not_found", "There is no such call in this API.");
        std::string encoding = req.get_header_value("Content-Encoding");
        if (!encoding.empty() && encoding != "identity")
            fail(415, "unsupported_encoding", "The server accepts request bodies only uncompressed.");
        // An injected fault (tests and demos only) answers before the token
        // is checked, as dispatch applies it first.
        if (rule->auth == Auth::loopback_admin || !faults.matches(req.method, req.path)) check_caller(req, rule->auth);
        switch (rule->body) {
            case Body::none: a.body_limit = 0; break;
            case Body::sign_in: a.body_limit = kSignInBodyBytes; break;
            case Body::json: a.body_limit = opt.max_json_bytes; break;
            case Body::image:
                if (head.chunked) fail(411, "length_required", "An image upload needs a Content-Length: its size is declared.");
                a.body_limit = static_cast<uint64_t>(
                    upload_target(params.at(0), params.at(1), req.get_header_value("Repr-Digest"), head.content_length.value_or(0))
                        .size);
                a.stream = true;
                break;
        }
    } catch (const ApiError& e) {
        a.refusal = e;
    }
    return a;
}

PracticeServer::PracticeServer(ServerOptions opt) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(opt); }

PracticeServer::~PracticeServer() { stop(); }

void PracticeServer::start() {
    Impl& s = *impl_;
    if (s.running) return;
    // A peer that vanishes mid-answer must not kill the process.
    if (std::signal(SIGPIPE, SIG_IGN) == SIG_ERR) spdlog::warn("practice-server: could not ignore SIGPIPE");

    fsx::create_dirs_durable(s.opt.images_dir);
    remove_stale_temp_files(s.opt.images_dir);
    const DbLocation where = parse_db_location(s.opt.db.string());
    if (where.kind == DbLocation::Kind::sqlite) {
        const std::filesystem::path file(where.target);
        if (file.has_parent_path()) fsx::create_dirs_durable(file.parent_path());
    }
    // A practice file is read before the database is opened: a missing file creates no database.
    std::string seed_text;
    if (!s.opt.seed.empty() && s.opt.seed != "demo") {
        const auto bytes = fsx::read_file(s.opt.seed, 256ull << 20);
        seed_text.assign(bytes.begin(), bytes.end());
    }
    s.db = Storage::open(where, s.opt.db_connections);
    // The demo goes into an empty database and is left alone in one that
    // has it already (restarts, or another server that loaded it first); a
    // file is refused by a non-empty one (docs/practice-seed.md).
    if (s.opt.seed == "demo")
        seed_practice(*s.db, demo_seed_json(), "the demo practice (server/seed/demo.json)", s.opt.pin_hash_iterations,
                      true);
    else if (!s.opt.seed.empty())
        seed_practice(*s.db, seed_text, s.opt.seed, s.opt.pin_hash_iterations);

    // cpp-httplib parses, routes and answers; the front (front.h) owns the
    // sockets and bounds everything before that (docs/server-limits.md).
    s.http = std::make_unique<HttpCore>();
    s.http->set_keep_alive_timeout(std::max<time_t>(1, std::chrono::duration_cast<std::chrono::seconds>(s.opt.idle_timeout).count()));
    s.install_routes();
    s.front = std::make_unique<Front>(
        s.opt, [&s](const RequestHead& h) { return s.admit(h); },
        [&s](httplib::Stream& st, bool close, bool& closed, const SSL* ssl) { return s.http->serve(st, close, closed, ssl); });
    try {
        s.port = s.front->bind();
    } catch (...) {
        s.front.reset();
        s.http.reset();
        s.db.reset();
        throw;
    }
    s.http->set_listening(s.front->listen_fd());
    s.sleeper.reset();
    s.front->start();
    s.running = true;
}

void PracticeServer::stop() {
    Impl& s = *impl_;
    if (!s.running) return;
    s.sleeper.stop();
    s.http->set_listening(-1);  // ends answers still streaming
    s.front->stop();
    s.front.reset();
    s.http.reset();
    s.db.reset();
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
    return impl_->db->read([&](Tx& t) { return t.charge_count(uuid); });
}

int PracticeServer::total_charges() const {
    return impl_->db->read([&](Tx& t) { return t.total_charges(); });
}

std::optional<int64_t> PracticeServer::charge_amount_cents(const std::string& uuid) const {
    return impl_->db->read([&](Tx& t) { return t.charge_amount(uuid); });
}

std::string PracticeServer::procedure_state(const std::string& uuid) const {
    return impl_->db->read([&](Tx& t) { return t.procedure_state(uuid); }).value_or("");
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
