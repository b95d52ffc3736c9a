#include "engine/dicomweb/stow_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "engine/util/uuid.h"

namespace cs::dicomweb {

using api::ApiError;
using api::ApiErrorKind;

namespace {

constexpr const char* kPeer = "image archive";
constexpr const char* kCallIt = " If it keeps happening, call your IT person.";

// UIDs go into request paths: only digits and dots (PS3.5 9.1) may.
void require_uid(const char* what, const std::string& uid) {
    if (uid.empty() || uid.size() > 64 || uid.find_first_not_of("0123456789.") != std::string::npos)
        throw Error("This image cannot be sent to the image archive: its " + std::string(what) +
                        " is not a valid DICOM UID.",
                    std::string(what) + " \"" + uid + "\" is not a DICOM UID");
}

std::string part_header(const std::string& boundary, uint64_t bytes, bool first) {
    return std::string(first ? "" : "\r\n") + "--" + boundary +
           "\r\nContent-Type: application/dicom\r\nContent-Length: " + std::to_string(bytes) + "\r\n\r\n";
}

}  // namespace

ApiError archive_http_error(const api::CallContext& call, int status, const std::string& base_url) {
    const std::string detail = call.method + " " + call.path + " -> " + std::to_string(status);
    auto err = [&](ApiErrorKind k, std::string sentence) { return ApiError(k, std::move(sentence), detail, status); };
    switch (status) {
        case 400: return err(ApiErrorKind::validation, std::string("The image archive refused the request as malformed.") + kCallIt);
        case 401:
            return err(ApiErrorKind::auth,
                       "The image archive refused the user name and password (or token) in the settings. "
                       "Call your IT person.");
        case 403:
            return err(ApiErrorKind::auth, "The image archive does not allow this user to store or read images. "
                                           "Call your IT person.");
        case 404:
        case 405:
            return err(ApiErrorKind::config, "There is no DICOMweb service at the image archive address in the "
                                             "settings (" + base_url + "). Call your IT person.");
        case 408:
            return err(ApiErrorKind::timeout,
                       "The image archive gave up waiting for this computer. Check the network, then try again.");
        case 409:
            return err(ApiErrorKind::conflict,
                       std::string("The image archive refused the images as conflicting with what it holds.") + kCallIt);
        case 413:
            return err(ApiErrorKind::validation,
                       "The images are larger than the image archive accepts in one request. Call your IT person.");
        case 415:
            return err(ApiErrorKind::validation,
                       "The image archive does not accept DICOM files sent this way (STOW-RS). Call your IT person.");
        case 429: return err(ApiErrorKind::rate_limited, "The image archive is busy. Wait a minute, then try again.");
        case 507:
            return err(ApiErrorKind::server, "The image archive's disk is full, so nothing was stored there. Ask your "
                                             "IT person to free space on the archive, then try again.");
        default: break;
    }
    if (status >= 500)
        return err(ApiErrorKind::server, "The image archive has a problem (error " + std::to_string(status) +
                                             "). Try again in a few minutes." + kCallIt);
    return err(ApiErrorKind::server,
               "The image archive gave an unexpected answer (status " + std::to_string(status) + ")." + kCallIt);
}

StowClient::StowClient(ArchiveConfig cfg) : cfg_(std::move(cfg)), base_(api::check_base_url(cfg_.base_url, cfg_.insecure, kPeer)) {
    api::TransportConfig t;
    t.peer = kPeer;
    t.ca_file = cfg_.ca_file;
    t.connect_timeout = cfg_.connect_timeout;
    t.low_speed_bytes_per_s = cfg_.low_speed_bytes_per_s;
    t.low_speed_seconds = cfg_.low_speed_seconds;
    t.max_response_bytes = cfg_.max_response_bytes;
    http_ = std::make_unique<api::HttpTransport>(base_, t, cancel_);
}

StowClient::~StowClient() {
    // Credentials live in memory only, and not longer than needed.
    std::fill(cfg_.password.begin(), cfg_.password.end(), '\0');
    std::fill(cfg_.bearer_token.begin(), cfg_.bearer_token.end(), '\0');
}

void StowClient::cancel() { cancel_ = true; }
void StowClient::reset_cancel() { cancel_ = false; }

api::HttpCall StowClient::call(const char* method, std::string path) const {
    api::HttpCall c;
    c.method = method;
    c.path = std::move(path);
    c.accept = "application/dicom+json";
    c.timeout = cfg_.call_timeout;
    if (!cfg_.bearer_token.empty())
        c.bearer = cfg_.bearer_token;
    else if (!cfg_.user.empty())
        c.basic_auth = cfg_.user + ":" + cfg_.password;
    return c;
}

StowBody stow_body(const std::vector<StowPart>& parts, const std::string& boundary) {
    StowBody b;
    std::set<std::string> seen;
    for (const auto& p : parts) {
        require_uid("SOP Instance UID", p.sop_instance_uid);
        if (!seen.insert(p.sop_instance_uid).second)
            throw Error("The same image was given twice in one request to the image archive.",
                        "STOW-RS: SOP instance " + p.sop_instance_uid + " appears twice");
        std::error_code ec;
        const auto on_disk = std::filesystem::file_size(p.file, ec);
        if (ec || on_disk != p.bytes)
            throw ApiError(ApiErrorKind::local_file,
                           ec ? "The DICOM file on this computer cannot be found. It may have been moved or deleted."
                              : "The DICOM file on this computer has changed size since it was made. It may be damaged.",
                           "STOW-RS " + p.file.string() +
                               (ec ? ": " + ec.message()
                                   : ": " + std::to_string(on_disk) + " bytes, expected " + std::to_string(p.bytes)));
        b.pieces.push_back(api::BodyPiece::text(part_header(boundary, p.bytes, b.pieces.empty())));
        b.pieces.push_back(api::BodyPiece::file_part(p.file, p.bytes));
        b.sop_instance_uids.push_back(p.sop_instance_uid);
    }
    b.pieces.push_back(api::BodyPiece::text("\r\n--" + boundary + "--\r\n"));
    b.content_type = "multipart/related; type=\"application/dicom\"; boundary=" + boundary;
    return b;
}

StowResult StowClient::store(const std::vector<StowPart>& parts, const api::ProgressFn& progress) {
    if (parts.empty()) return StowResult{};
    api::HttpCall c = call("POST", "/studies");
    const api::CallContext ctx{c.method, c.path};
    if (cancel_) throw ApiError(ApiErrorKind::cancelled, "Cancelled.", ctx.method + " " + ctx.path + ": cancelled");
    // A random boundary: 128 bits that no DICOM file holds by chance.
    StowBody body = stow_body(parts, "chairsync-" + new_uuid());
    const std::vector<std::string> uids = std::move(body.sop_instance_uids);
    c.upload = std::move(body.pieces);
    c.content_type = std::move(body.content_type);
    c.timeout = cfg_.upload_timeout;
    c.progress = progress;

    api::HttpOutcome out = http_->perform(c);
    if (out.error) {
        const ApiError& e = *out.error;
        // Sent but not answered: the archive may hold some of it. Sending again
        // is the way to know, and it stores nothing twice (docs/dicomweb.md).
        if (out.request_sent && (e.kind() == ApiErrorKind::network || e.kind() == ApiErrorKind::timeout))
            throw ApiError(ApiErrorKind::unknown_outcome,
                           std::string(e.what()) + " The image archive did not confirm receiving the images; "
                                                   "sending them again stores nothing twice.",
                           e.detail() + "; outcome unknown");
        throw e;
    }
    const int status = out.status;
    if (status == 200 || status == 202 || status == 409 || status == 400) {
        try {
            StowResult r = read_stow_answer(ctx, status, out.body, uids);
            spdlog::info("dicomweb: POST /studies -> {}: {} of {} instances stored", status, r.stored_count(),
                         r.instances.size());
            // A 400 that names none of ours is a refused request, not a report.
            if (status != 400 || r.stored_count() > 0 ||
                std::any_of(r.instances.begin(), r.instances.end(), [](const InstanceReport& i) { return i.failure_reason >= 0; }))
                return r;
        } catch (const ApiError& e) {
            if (status != 400) throw;
            spdlog::warn("dicomweb: {}", e.detail());
        }
    }
    ApiError e = archive_http_error(ctx, status, base_.text);
    spdlog::warn("dicomweb: {}", e.detail());
    throw e;
}

Confirmation StowClient::confirm(const ExpectedInstance& e) {
    require_uid("Study Instance UID", e.study_instance_uid);
    require_uid("Series Instance UID", e.series_instance_uid);
    require_uid("SOP Instance UID", e.sop_instance_uid);
    api::HttpCall c = call("GET", "/studies/" + e.study_instance_uid + "/series/" + e.series_instance_uid +
                                      "/instances/" + e.sop_instance_uid + "/metadata");
    const api::CallContext ctx{c.method, c.path};
    if (cancel_) throw ApiError(ApiErrorKind::cancelled, "Cancelled.", ctx.method + " " + ctx.path + ": cancelled");
    api::HttpOutcome out = http_->perform(c);
    if (out.error) throw *out.error;
    Confirmation r;
    if (out.status == 404) {
        r.sentence = "The image archive does not hold this image, so its copy on this computer is kept.";
        return r;
    }
    if (out.status != 200) throw archive_http_error(ctx, out.status, base_.text);
    const InstanceMetadata m = read_instance_metadata(ctx, out.body);
    r.held = true;
    auto differs = [&](const char* name, const std::string& got, const std::string& sent) {
        if (got != sent) r.differences.push_back(std::string(name) + " is \"" + got + "\" there, \"" + sent + "\" was sent");
    };
    differs("SOPInstanceUID", m.sop_instance_uid, e.sop_instance_uid);
    differs("PatientID", m.patient_id, e.patient_id);
    differs("Rows", m.rows ? std::to_string(*m.rows) : "", std::to_string(e.rows));
    differs("Columns", m.columns ? std::to_string(*m.columns) : "", std::to_string(e.columns));
    if (r.differences.empty()) {
        r.sentence = "The image archive holds this image as it was sent.";
    } else {
        std::string list;
        for (const auto& d : r.differences) list += (list.empty() ? "" : "; ") + d;
        r.sentence = "The image archive holds an image under this UID that is not the one sent (" + list +
                     "), so its copy on this computer is kept. Call your IT person.";
        spdlog::warn("dicomweb: {}: {}", ctx.path, list);
    }
    return r;
}

}  // namespace cs::dicomweb
