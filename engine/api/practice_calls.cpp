// The practice API's calls (docs/practice-api.md), each checked against its
// request. Retries and unknown outcomes are handled by PracticeClient::run.
#include <spdlog/spdlog.h>

#include <system_error>

#include "engine/api/answer_checks.h"
#include "engine/api/practice_client.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"

namespace cs::api {

namespace {

void require_uuid(const std::string& what, const std::string& uuid) {
    if (!is_uuid(uuid))
        throw ApiError(ApiErrorKind::validation, "This procedure has an invalid identifier; it cannot be synced. Call your IT person.",
                       what + " \"" + uuid + "\" is not a uuid");
}

std::string procedure_path(const std::string& uuid) { return "/imaging-procedures/" + uuid; }

}  // namespace

Session PracticeClient::sign_in(const std::string& user, const std::string& pin) {
    HttpCall c = json_call("POST", "/sessions");
    SignInRequest req{user, pin, false, cfg_.workstation};
    c.json_body = encode(req);
    std::fill(req.secret.begin(), req.secret.end(), '\0');
    auto out = run(std::move(c), false, false, {});
    SignInAnswer a = read_answer<SignInAnswer>(out->call, out->body);
    token_.swap(a.token);
    std::fill(a.token.begin(), a.token.end(), '\0');
    spdlog::info("practice api: signed in as {} at {}", a.session.user_id, cfg_.workstation);
    return a.session;
}

Session PracticeClient::current_session() {
    auto out = run(json_call("GET", "/sessions"), true, false, {});
    return read_answer<Session>(out->call, out->body);
}

void PracticeClient::sign_out() {
    if (token_.empty()) return;
    try {
        HttpCall c = json_call("DELETE", "/sessions");
        c.bearer = token_;
        HttpOutcome out = http_->perform(c);  // one try: the token is forgotten here either way
        if (out.error) spdlog::warn("practice api: sign-out not confirmed: {}", out.error->detail());
    } catch (const Error& e) {
        spdlog::warn("practice api: sign-out not confirmed: {}", e.detail());
    }
    std::fill(token_.begin(), token_.end(), '\0');
    token_.clear();
}

Health PracticeClient::health() {
    auto out = run(json_call("GET", "/health"), false, false, {});
    Health h = read_answer<Health>(out->call, out->body);
    if (h.status != "ok" || h.api_version != 1)
        throw bad_answer_error(out->call, "health is \"" + h.status + "\" api_version " + std::to_string(h.api_version));
    return h;
}

void PracticeClient::require_url_fits(const HttpCall& c, const char* sentence) const {
    size_t n = c.path.size() + (c.query.empty() ? 0 : 1 + c.query.size());
    if (n > cfg_.max_url_bytes)
        throw ApiError(ApiErrorKind::validation, sentence,
                       std::string(c.method) + " " + c.path + ": the URL would be " + std::to_string(n) + " bytes, over " +
                           std::to_string(cfg_.max_url_bytes));
}

std::vector<Patient> PracticeClient::exact_candidates(const std::string& first_name, const std::string& last_name,
                                                      const std::string& birth_date) {
    std::string q = "first_name=" + url_encode(first_name) + "&last_name=" + url_encode(last_name) +
                    "&birth_date=" + url_encode(birth_date);
    HttpCall call = json_call("GET", "/patients", q);
    require_url_fits(call, "This name is too long to look up on the practice server. Choose the patient with Edit.");
    auto out = run(std::move(call), true, false, {});
    auto got = read_answer<PatientList>(out->call, out->body).patients;
    check_exact_candidates(out->call, got, first_name, last_name, birth_date);
    return got;
}

SearchResult PracticeClient::search(const std::string& query) {
    HttpCall call = json_call("GET", "/patients/search", "q=" + url_encode(query));
    require_url_fits(call, "This search is too long for the practice server. Shorten it, then search again.");
    auto out = run(std::move(call), true, false, {});
    return read_answer<SearchResult>(out->call, out->body);
}

Patient PracticeClient::patient(const std::string& patient_id) {
    auto out = run(json_call("GET", "/patients/" + url_encode(patient_id)), true, false, {});
    Patient p = read_answer<Patient>(out->call, out->body);
    if (p.id != patient_id) throw bad_answer_error(out->call, "names patient " + p.id);
    return p;
}

Location PracticeClient::location(const std::string& location_id) {
    auto out = run(json_call("GET", "/locations/" + url_encode(location_id)), true, false, {});
    Location l = read_answer<Location>(out->call, out->body);
    check_location(out->call, l.id, location_id);
    return l;
}

std::vector<Provider> PracticeClient::providers(const std::string& location_id) {
    auto out = run(json_call("GET", "/locations/" + url_encode(location_id) + "/providers"), true, false, {});
    auto got = read_answer<LocationProviders>(out->call, out->body);
    check_location(out->call, got.location_id, location_id);
    return got.providers;
}

std::vector<ProcedureType> PracticeClient::procedure_types(const std::string& location_id) {
    auto out = run(json_call("GET", "/imaging-procedure-types", "location_id=" + url_encode(location_id)), true,
                   false, {});
    auto got = read_answer<LocationProcedureTypes>(out->call, out->body);
    check_location(out->call, got.location_id, location_id);
    return got.procedure_types;
}

ProcedureStatus PracticeClient::checked_procedure(const HttpOutcome& out, const std::string& uuid) {
    ProcedureStatus p = read_answer<ProcedureStatus>(out.call, out.body);
    if (auto it = declared_.find(uuid); it != declared_.end())
        check_procedure_matches(out.call, p, uuid, it->second);
    else
        check_procedure_uuid(out.call, p, uuid);
    return p;
}

// One GET of the procedure, no retries: how an unknown write outcome is
// settled. nullopt when the server does not know the uuid (404).
std::optional<ProcedureStatus> PracticeClient::fetch_procedure_once(const std::string& uuid) {
    HttpCall c = json_call("GET", procedure_path(uuid));
    c.bearer = token_;
    HttpOutcome out = http_->perform(c);
    if (out.error) throw *out.error;
    if (out.status == 404) return std::nullopt;
    if (out.status < 200 || out.status >= 300) throw error_from_http(out.call, out.status, out.body);
    return checked_procedure(out, uuid);
}

ProcedureStatus PracticeClient::get_procedure(const std::string& procedure_uuid) {
    require_uuid("procedure", procedure_uuid);
    auto out = run(json_call("GET", procedure_path(procedure_uuid)), true, false, {});
    return checked_procedure(*out, procedure_uuid);
}

ProcedureStatus PracticeClient::declare(const std::string& procedure_uuid, const Declaration& d) {
    require_uuid("procedure", procedure_uuid);
    for (const auto& i : d.images) require_uuid("image", i.uuid);
    // Answers about this uuid are checked against this declaration from now
    // on; if the server refuses it, the one it accepted before (if any) counts.
    std::optional<Declaration> before;
    if (auto it = declared_.find(procedure_uuid); it != declared_.end()) before = it->second;
    declared_[procedure_uuid] = d;
    try {
        HttpCall c = json_call("PUT", procedure_path(procedure_uuid));
        c.json_body = encode(d);
        std::optional<ProcedureStatus> settled;
        auto resolve = [&] {
            settled = fetch_procedure_once(procedure_uuid);  // checked against the declaration
            return settled.has_value();
        };
        auto out = run(std::move(c), true, true, resolve);
        ProcedureStatus p = out ? checked_procedure(*out, procedure_uuid) : *settled;
        if (p.state == RemoteState::withdrawn)  // only reachable through a settled unknown outcome
            throw ApiError(ApiErrorKind::conflict,
                           "This procedure was withdrawn from the practice server and cannot be synced again.",
                           "PUT /api/v1" + procedure_path(procedure_uuid) + ": procedure is withdrawn", 409,
                           "withdrawn");
        return p;
    } catch (...) {
        if (before) declared_[procedure_uuid] = *before;
        else declared_.erase(procedure_uuid);
        throw;
    }
}

UploadResult PracticeClient::upload_image(const std::string& procedure_uuid, const std::string& image_uuid,
                                          const std::filesystem::path& file, const std::string& sha256,
                                          uint64_t size, const ProgressFn& progress) {
    require_uuid("procedure", procedure_uuid);
    require_uuid("image", image_uuid);
    std::error_code ec;
    const auto on_disk = std::filesystem::file_size(file, ec);
    if (ec || on_disk != size)
        throw ApiError(ApiErrorKind::local_file,
                       ec ? "The image file on this computer cannot be found. It may have been moved or deleted."
                          : "The image file on this computer has changed size since it was captured. It may be damaged.",
                       "upload " + image_uuid + ": " + file.string() +
                           (ec ? ": " + ec.message() : ": " + std::to_string(on_disk) + " bytes, expected " + std::to_string(size)));
    HttpCall c = json_call("PUT", procedure_path(procedure_uuid) + "/images/" + image_uuid);
    c.upload = {BodyPiece::file_part(file, size)};
    c.content_type = "application/octet-stream";
    c.repr_digest = repr_digest_header(sha256);
    c.timeout = cfg_.upload_timeout;
    c.progress = progress;
    auto resolve = [&] {
        auto p = fetch_procedure_once(procedure_uuid);
        if (!p) return false;
        for (const auto& i : p->images)
            if (i.image.uuid == image_uuid && i.received && i.image.sha256 == sha256 && i.image.size == size)
                return true;
        return false;
    };
    std::optional<HttpOutcome> out;
    try {
        out = run(std::move(c), true, true, resolve);
    } catch (const ApiError& e) {
        if (e.code() == "digest_mismatch" || e.code() == "size_mismatch") {
            // Tell a damaged local file apart from a damaged transfer.
            std::string now;
            try { now = sha256_file(file); } catch (const Error&) {}
            if (now != sha256)
                throw ApiError(ApiErrorKind::local_file,
                               "The image file on this computer no longer matches its checksum; it may be damaged.",
                               e.detail() + "; local file sha256 " + now, e.http_status(), e.code());
        }
        throw;
    }
    if (!out) return UploadResult{image_uuid, sha256, size, true};
    UploadResult r = read_answer<UploadResult>(out->call, out->body);
    check_upload(out->call, r, image_uuid, sha256, size);
    r.already_held = out->status == 200;
    return r;
}

ProcedureStatus PracticeClient::commit(const std::string& procedure_uuid, const std::optional<ArchiveRecord>& archive) {
    require_uuid("procedure", procedure_uuid);
    std::optional<ProcedureStatus> settled;
    auto resolve = [&] {
        settled = fetch_procedure_once(procedure_uuid);
        return settled && settled->state == RemoteState::committed;
    };
    HttpCall c = json_call("POST", procedure_path(procedure_uuid) + "/commit");
    if (archive) c.json_body = encode(CommitRequest{archive});
    auto out = run(std::move(c), true, true, resolve);
    ProcedureStatus p = out ? checked_procedure(*out, procedure_uuid) : *settled;
    if (p.state != RemoteState::committed || !p.charge)
        throw bad_answer_error(CallContext{"POST", "/api/v1" + procedure_path(procedure_uuid) + "/commit"},
                               std::string("procedure is ") + to_string(p.state) + " after commit");
    return p;
}

void PracticeClient::withdraw(const std::string& procedure_uuid) {
    require_uuid("procedure", procedure_uuid);
    auto resolve = [&] {
        auto p = fetch_procedure_once(procedure_uuid);
        return p && p->state == RemoteState::withdrawn;
    };
    run(json_call("DELETE", procedure_path(procedure_uuid)), true, true, resolve);
}

}  // namespace cs::api
