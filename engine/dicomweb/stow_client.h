#pragma once
// StowClient: puts DICOM instances into an image archive with DICOMweb
// STOW-RS, and confirms with WADO-RS metadata that the archive holds each one
// as sent (docs/dicomweb.md). Synchronous, used from one worker thread; only
// cancel() may be called from another thread.
//
// store() makes ONE request and reports per instance; it does not retry by
// itself. Sending the same instances again is always safe: an instance the
// archive already holds under the same SOPInstanceUID counts as stored, and
// the archive keeps one copy. Errors are api::ApiError (a cs::Error with a
// kind); transient() says whether trying again later may help.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/api/http_transport.h"
#include "engine/dicomweb/stow_answer.h"

namespace cs::dicomweb {

struct ArchiveConfig {
    // The DICOMweb root: STOW-RS goes to {base_url}/studies. https anywhere,
    // http only to loopback unless `insecure` (as for the practice server).
    std::string base_url;
    std::string ca_file;  // optional: trust this CA (PEM) instead of the system's
    bool insecure = false;
    // Credentials: a bearer token, else HTTP basic user and password, else none.
    std::string bearer_token;
    std::string user, password;
    std::chrono::milliseconds connect_timeout{10000};
    long low_speed_bytes_per_s = 1024;  // slower than this for low_speed_seconds aborts a request
    long low_speed_seconds = 30;
    std::chrono::milliseconds call_timeout{60000};      // a metadata read
    std::chrono::milliseconds upload_timeout{1800000};  // one STOW-RS request
    uint64_t max_response_bytes = 8ull << 20;
};

// One DICOM file to send: exactly `bytes` bytes, streamed from disk.
struct StowPart {
    std::string sop_instance_uid;  // what the archive's answer is matched against
    std::filesystem::path file;
    uint64_t bytes = 0;
};

// The body of one STOW-RS request (docs/dicomweb.md, "What is sent"): the
// multipart framing in memory, each file as a piece streamed from disk.
// Checks every part first (a DICOM UID, given once, its file of the size
// stated), throwing cs::Error / ApiError kind local_file. store() sends it
// with a random boundary; the benchmark writes it to one file for curl.
struct StowBody {
    std::string content_type;  // multipart/related; type="application/dicom"; boundary=...
    std::vector<api::BodyPiece> pieces;
    std::vector<std::string> sop_instance_uids;  // in the order sent
};
StowBody stow_body(const std::vector<StowPart>& parts, const std::string& boundary);

// What the local copy holds, for confirmation.
struct ExpectedInstance {
    std::string study_instance_uid, series_instance_uid, sop_instance_uid;
    std::string patient_id;
    int rows = 0, columns = 0;
};

struct Confirmation {
    bool held = false;                     // the archive has an instance with this SOPInstanceUID
    std::vector<std::string> differences;  // attributes that are not what was sent
    // Only a confirmed instance's local copy may ever be purged.
    bool confirmed() const { return held && differences.empty(); }
    std::string sentence;  // for the person: confirmed, not there, or what differs
};

class StowClient {
public:
    // Checks the base URL (ApiError kind config before any request).
    explicit StowClient(ArchiveConfig cfg);
    ~StowClient();
    StowClient(const StowClient&) = delete;
    StowClient& operator=(const StowClient&) = delete;

    // POST {base}/studies, multipart/related; type="application/dicom", the
    // files streamed from disk; progress(done, total) in bytes of the body.
    // Returns one report per part, in order, for 200, 202 and 409 (and a 400
    // that names instances); every other outcome throws ApiError.
    StowResult store(const std::vector<StowPart>& parts, const api::ProgressFn& progress = {});

    // GET {base}/studies/{study}/series/{series}/instances/{sop}/metadata and
    // compares SOPInstanceUID, PatientID, Rows and Columns. An archive that
    // cannot be asked throws ApiError; one that does not hold it says so.
    Confirmation confirm(const ExpectedInstance& e);

    // The archive's DICOMweb root as checked (no trailing slash): what the
    // store's outbox records, so a procedure is finished where it was started.
    const std::string& base_url() const { return base_.text; }

    void cancel();        // from any thread: the current request ends with kind cancelled
    void reset_cancel();  // before the next request after a cancel

private:
    api::HttpCall call(const char* method, std::string path) const;
    ArchiveConfig cfg_;
    api::BaseUrl base_;
    std::atomic<bool> cancel_{false};
    std::unique_ptr<api::HttpTransport> http_;
};

// The error for an archive's HTTP answer that is not a STOW-RS report
// (401, 404, 415, 503, ...), as a sentence. Pure: unit tested.
api::ApiError archive_http_error(const api::CallContext& call, int status, const std::string& base_url);

}  // namespace cs::dicomweb
