// manifest.json of a hidden procedure: reading and writing it.
#include <nlohmann/json.hpp>

#include <cstdint>

#include "engine/sync/manifest.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/json_text.h"
#include "engine/util/text.h"

namespace cs {

using nlohmann::json;

namespace {

// Values from a hand-edited or damaged manifest are read defensively: a
// wrong type gives the default, never an exception.
template <typename T>
T get_or(const json& j, const char* key, T fallback) {
    auto it = j.find(key);
    if (it == j.end()) return fallback;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        return fallback;
    }
}

[[noreturn]] void refuse(const std::filesystem::path& folder, const std::string& why) {
    throw Error("The manifest in " + folder.string() + " " + why + ", so it was not read.",
                "manifest " + (folder / kManifestName).string() + ": " + why);
}

// A number only when it lies in [lo, hi]: converting anything else (a
// fraction, 1e300, 2^64-1) to an int would be undefined, so it is refused.
int64_t number_or(const json& j, const char* key, int64_t fallback, int64_t lo, int64_t hi,
                  const std::filesystem::path& folder) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return fallback;
    bool in_range = false;
    int64_t v = 0;
    if (it->is_number_unsigned()) {
        uint64_t u = it->get<uint64_t>();
        in_range = u <= static_cast<uint64_t>(hi);
        if (in_range) v = static_cast<int64_t>(u);
    } else if (it->is_number_integer()) {
        v = it->get<int64_t>();
        in_range = v >= lo && v <= hi;
    }
    if (!in_range) refuse(folder, std::string("holds a number out of range for \"") + key + "\"");
    return v;
}

json image_to_json(const RecoveredImage& i) {
    return {{"file", i.file},         {"original_image_uuid", i.original_uuid}, {"store_file", i.store_file},
            {"sha256", i.sha256},     {"size", i.size},                         {"kind", to_string(i.kind)},
            {"seq", i.seq},           {"width", i.width},                       {"height", i.height},
            {"bit_depth", i.bit_depth}};
}

}  // namespace

std::string manifest_json(const RecoveredProcedure& r) {
    json images = json::array();
    for (const auto& i : r.images) images.push_back(image_to_json(i));
    json history = json::array();
    for (const auto& h : r.history)
        history.push_back({{"at", h.at}, {"event", h.event}, {"new_procedure_uuid", h.new_procedure_uuid},
                           {"online_patient_id", h.online_patient_id}});
    json j = {{"format", "chairsync-recovery-1"},
              {"state", r.state},
              {"procedure_uuid", r.procedure_uuid},
              {"offline_patient", {{"first_name", escape_invalid_utf8(r.first_name)},
                                   {"last_name", escape_invalid_utf8(r.last_name)},
                                   {"birth_date", escape_invalid_utf8(r.birth_date)}}},
              {"procedure", {{"code", r.code}, {"name", r.name}, {"acquired_at", r.acquired_at}, {"location_id", r.location_id}}},
              {"hidden_at", r.hidden_at},
              {"withdraw_confirmed", r.withdraw_confirmed},
              {"images", std::move(images)},
              {"errors", r.errors},
              {"history", std::move(history)},
              {"restored_as", r.restored_as}};
    return dump_json(j, 2) + "\n";
}

void write_manifest(const RecoveredProcedure& r) {
    fsx::write_file_durable(r.folder / kManifestName, manifest_json(r));
}

std::optional<RecoveredProcedure> read_manifest(const std::filesystem::path& folder) {
    std::error_code ec;
    auto file = folder / kManifestName;
    if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
    json j;
    try {
        auto bytes = fsx::read_file(file, 16u << 20);
        j = json::parse(bytes.begin(), bytes.end());
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (!j.is_object()) return std::nullopt;
    RecoveredProcedure r;
    r.folder = folder;
    r.state = get_or<std::string>(j, "state", "");
    r.procedure_uuid = get_or<std::string>(j, "procedure_uuid", "");
    json patient = get_or<json>(j, "offline_patient", json::object());
    r.first_name = get_or<std::string>(patient, "first_name", "");
    r.last_name = get_or<std::string>(patient, "last_name", "");
    r.birth_date = get_or<std::string>(patient, "birth_date", "");
    json proc = get_or<json>(j, "procedure", json::object());
    r.code = get_or<std::string>(proc, "code", "");
    r.name = get_or<std::string>(proc, "name", "");
    r.acquired_at = get_or<std::string>(proc, "acquired_at", "");
    r.location_id = get_or<std::string>(proc, "location_id", "");
    r.hidden_at = get_or<std::string>(j, "hidden_at", "");
    r.withdraw_confirmed = get_or<bool>(j, "withdraw_confirmed", false);
    r.restored_as = get_or<std::string>(j, "restored_as", "");
    for (const auto& e : get_or<json>(j, "errors", json::array()))
        if (e.is_string()) r.errors.push_back(e.get<std::string>());
    for (const auto& h : get_or<json>(j, "history", json::array())) {
        if (!h.is_object()) continue;
        r.history.push_back({get_or<std::string>(h, "at", ""), get_or<std::string>(h, "event", ""),
                             get_or<std::string>(h, "new_procedure_uuid", ""),
                             get_or<std::string>(h, "online_patient_id", "")});
    }
    for (const auto& i : get_or<json>(j, "images", json::array())) {
        if (!i.is_object()) continue;
        RecoveredImage img;
        img.file = get_or<std::string>(i, "file", "");
        // A file name from the manifest never leaves the folder.
        if (img.file.empty() || img.file == "." || img.file == ".." || img.file.find('/') != std::string::npos ||
            img.file.find('\\') != std::string::npos)
            refuse(folder, "names an image file \"" + img.file + "\" that is not a plain file name");
        img.path = folder / img.file;
        img.original_uuid = get_or<std::string>(i, "original_image_uuid", "");
        img.store_file = get_or<std::string>(i, "store_file", "");
        img.sha256 = get_or<std::string>(i, "sha256", "");
        img.size = static_cast<uint64_t>(number_or(i, "size", 0, 0, INT64_MAX, folder));
        img.kind = image_kind_from_string(get_or<std::string>(i, "kind", "radiograph")).value_or(ImageKind::radiograph);
        img.seq = static_cast<int>(number_or(i, "seq", 0, 0, INT32_MAX, folder));
        img.width = static_cast<int>(number_or(i, "width", 0, 0, INT32_MAX, folder));
        img.height = static_cast<int>(number_or(i, "height", 0, 0, INT32_MAX, folder));
        img.bit_depth = static_cast<int>(number_or(i, "bit_depth", 8, 0, INT32_MAX, folder));
        r.images.push_back(std::move(img));
    }
    return r;
}

}  // namespace cs
