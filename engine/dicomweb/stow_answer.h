#pragma once
// Reading an image archive's DICOMweb answers (application/dicom+json,
// docs/dicomweb.md): the STOW-RS store response, per instance, and an
// instance's WADO-RS metadata. Pure: unit tested without an archive.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/api_error.h"

namespace cs::dicomweb {

// What the archive said about one instance that was sent.
struct InstanceReport {
    std::string sop_instance_uid;
    bool stored = false;        // in the archive now: stored, or already held under this SOPInstanceUID
    bool already_held = false;  // the archive reported a duplicate SOP instance (0x0111): it holds one already
    int failure_reason = -1;    // FailureReason (0008,1197) when it failed, else -1
    int warning_reason = -1;    // WarningReason (0008,1196) of a stored instance, else -1
    std::string retrieve_url;   // RetrieveURL (0008,1190), when given
    std::string message;        // why it is not stored, as a sentence; empty when stored
};

struct StowResult {
    int http_status = 0;
    std::vector<InstanceReport> instances;  // one per instance sent, in the order sent
    size_t stored_count() const;
    bool all_stored() const { return stored_count() == instances.size(); }
    // "2 of 3 images are in the image archive. <first failure's message>"
    std::string summary() const;
};

// The sentence for a FailureReason code (PS3.18 / PS3.4 status codes).
std::string failure_sentence(int reason);

// Reads a STOW-RS answer body (200, 202, 409, or 400 with a body) into one
// report per sent SOPInstanceUID, in the order given. An instance named in
// neither sequence is not stored. Throws ApiError bad_answer when the body
// is not DICOM JSON, or names an instance that was not sent.
StowResult read_stow_answer(const api::CallContext& call, int http_status, const std::string& body,
                            const std::vector<std::string>& sent_sop_instance_uids);

// The attributes of an archived instance that confirmation compares.
struct InstanceMetadata {
    std::string sop_instance_uid, study_instance_uid, series_instance_uid, patient_id;
    std::optional<int> rows, columns;
};

// Reads a WADO-RS metadata answer (a JSON array of one dataset). Throws
// ApiError bad_answer when it is not that.
InstanceMetadata read_instance_metadata(const api::CallContext& call, const std::string& body);

}  // namespace cs::dicomweb
