#pragma once
// Plain value types of the offline store. Copyable, no behaviour: the
// kiosk's snapshots and the command line's JSON are built from these.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cs {

enum class ImageKind { radiograph, photo };
// A procedure's lifecycle in the offline store. "Running" is not stored: it
// exists only while a SyncSession works on it.
enum class ProcedureState { pending, failed, synced, hidden };

const char* to_string(ImageKind k);
const char* to_string(ProcedureState s);
std::optional<ImageKind> image_kind_from_string(const std::string& s);
std::optional<ProcedureState> procedure_state_from_string(const std::string& s);

struct OfflinePatient {
    int64_t id = 0;
    std::string first_name, last_name;  // exactly as entered offline
    std::string birth_date;             // as entered: may be empty or not a date
};

struct ImageRecord {
    std::string uuid;
    std::string procedure_uuid;
    int seq = 0;            // order within the procedure
    std::string file_name;  // relative to the store's images/ folder; named by uuid
    std::string sha256;     // hex, of the file as captured
    uint64_t size = 0;
    int width = 0, height = 0, bit_depth = 8;
    ImageKind kind = ImageKind::radiograph;
};

// The online patient as the user was shown it. Sent with every declaration:
// the client reads the patient by id and the server checks the declared
// patient against it (docs/practice-api.md), so an answer naming another
// patient's id never puts images on that patient.
struct ShownPatient {
    std::string first_name, last_name, birth_date;
    bool empty() const { return first_name.empty() && last_name.empty() && birth_date.empty(); }
};

// What the user chose for a procedure on Imaging Options, stored before the
// procedure is declared so that a retry sends the very same body.
struct SyncChoice {
    std::string online_patient_id;
    bool apply_charges = true;
    bool bill_insurance = true;
    std::string provider_id;
    ShownPatient shown;  // not stored: whoever syncs says whom the user saw
};

struct ProcedureRecord {
    std::string uuid;  // client-named: the practice API's idempotency key, made at capture
    int64_t patient_id = 0;
    std::string code;  // CDT, e.g. D0274
    std::string name;  // e.g. "Bitewings - four radiographic images"
    std::string acquired_at;  // ISO 8601 UTC
    std::string location_id;
    ProcedureState state = ProcedureState::pending;
    int attempts = 0;          // failed sync attempts so far
    std::string last_error;    // for the person: what went wrong last time
    std::optional<SyncChoice> choice;
    std::string synced_at;     // when the server confirmed it
    int image_count = 0;
};

struct PatientSummary {
    OfflinePatient patient;
    int procedures = 0;  // pending or failed (i.e. still to sync)
    int images = 0;
    std::vector<ImageRecord> first_images;  // first image of each such procedure, for thumbnails
};

}  // namespace cs
