#include "engine/dicomweb/stow_answer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>

namespace cs::dicomweb {

namespace {

using json = nlohmann::json;

// DICOM JSON tags (PS3.18 F.2), as the archive writes them.
constexpr const char* kFailedSOPSequence = "00081198";
constexpr const char* kReferencedSOPSequence = "00081199";
constexpr const char* kReferencedSOPInstanceUID = "00081155";
constexpr const char* kFailureReason = "00081197";
constexpr const char* kWarningReason = "00081196";
constexpr const char* kRetrieveURL = "00081190";
constexpr const char* kSOPInstanceUID = "00080018";
constexpr const char* kStudyInstanceUID = "0020000D";
constexpr const char* kSeriesInstanceUID = "0020000E";
constexpr const char* kPatientID = "00100020";
constexpr const char* kRows = "00280010";
constexpr const char* kColumns = "00280011";

constexpr int kDuplicateSOPInstance = 0x0111;

[[noreturn]] void bad(const api::CallContext& call, const std::string& why) {
    throw api::ApiError(api::ApiErrorKind::bad_answer,
                        "The image archive sent an answer that could not be read, so nothing is counted as stored. "
                        "Try again. If it keeps happening, call your IT person.",
                        call.method + " " + call.path + ": bad answer: " + why);
}

// The element's first value, when it is there.
const json* first_value(const json& dataset, const char* tag) {
    if (!dataset.is_object()) return nullptr;
    auto el = dataset.find(tag);
    if (el == dataset.end() || !el->is_object()) return nullptr;
    auto v = el->find("Value");
    if (v == el->end() || !v->is_array() || v->empty()) return nullptr;
    return &(*v)[0];
}

std::string string_value(const json& dataset, const char* tag) {
    const json* v = first_value(dataset, tag);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

// An unsigned short (US: reasons, rows, columns), whether the archive wrote
// it as a JSON number or as a decimal string; nothing outside 0..65535.
std::optional<int> us_value(const json& dataset, const char* tag) {
    const json* v = first_value(dataset, tag);
    if (!v) return std::nullopt;
    long long n = -1;
    if (v->is_number_unsigned()) {
        n = v->get<uint64_t>() > 0xFFFF ? -1 : static_cast<long long>(v->get<uint64_t>());
    } else if (v->is_number_integer()) {
        n = v->get<int64_t>();
    } else if (v->is_string()) {
        const std::string s = v->get<std::string>();
        if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        n = std::stoll(s);
    }
    if (n < 0 || n > 0xFFFF) return std::nullopt;
    return static_cast<int>(n);
}

// The items of a sequence; an absent or empty sequence has none.
std::vector<json> items(const api::CallContext& call, const json& dataset, const char* tag) {
    auto el = dataset.find(tag);
    if (el == dataset.end()) return {};
    if (!el->is_object()) bad(call, std::string(tag) + " is not a DICOM JSON element");
    auto v = el->find("Value");
    if (v == el->end()) return {};
    if (!v->is_array()) bad(call, std::string(tag) + " has no array of items");
    std::vector<json> out;
    for (const auto& item : *v) {
        if (!item.is_object()) bad(call, std::string(tag) + " has an item that is not a dataset");
        out.push_back(item);
    }
    return out;
}

std::string hex4(int code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(code) & 0xFFFFu);
    return buf;
}

}  // namespace

size_t StowResult::stored_count() const {
    size_t n = 0;
    for (const auto& i : instances) n += i.stored ? 1 : 0;
    return n;
}

std::string StowResult::summary() const {
    std::string s = std::to_string(stored_count()) + " of " + std::to_string(instances.size()) +
                    (instances.size() == 1 ? " image is" : " images are") + " in the image archive.";
    for (const auto& i : instances)
        if (!i.stored) return s + " " + i.message;
    return s;
}

std::string failure_sentence(int reason) {
    const std::string code = " (reason " + hex4(reason) + ")";
    if (reason == 0x0122)
        return "The image archive does not accept this kind of image" + code + ". Call your IT person.";
    if (reason == 0x0124)
        return "The image archive does not allow this user to store images" + code + ". Call your IT person.";
    if (reason == 0xC122)
        return "The image archive does not accept how this image is encoded" + code + ". Call your IT person.";
    if ((reason & 0xFF00) == 0xA700)
        return "The image archive is out of space, so it did not store this image" + code +
               ". Ask your IT person to free space on the archive, then try again.";
    if ((reason & 0xFF00) == 0xA900)
        return "The image archive refused this image because its DICOM attributes do not fit its kind" + code +
               ". Call your IT person.";
    if ((reason & 0xF000) == 0xC000)
        return "The image archive could not read this image's DICOM file" + code + ". Call your IT person.";
    if (reason == 0x0110)
        return "The image archive failed to store this image" + code +
               ". Try again. If it keeps happening, call your IT person.";
    return "The image archive refused this image" + code + ". Call your IT person.";
}

StowResult read_stow_answer(const api::CallContext& call, int http_status, const std::string& body,
                            const std::vector<std::string>& sent) {
    json doc = json::parse(body, nullptr, false);
    // A single dataset; some archives wrap it in an array of one.
    if (doc.is_array() && doc.size() == 1) doc = doc[0];
    if (doc.is_discarded() || !doc.is_object()) bad(call, "the body is not a DICOM JSON dataset");

    StowResult r;
    r.http_status = http_status;
    std::map<std::string, size_t> index;
    for (const auto& uid : sent) {
        index.emplace(uid, r.instances.size());
        InstanceReport rep;
        rep.sop_instance_uid = uid;
        rep.message =
            "The image archive's answer does not mention this image, so it is not counted as stored. Try again.";
        r.instances.push_back(std::move(rep));
    }
    auto report_of = [&](const json& item, const char* seq) -> InstanceReport& {
        const std::string uid = string_value(item, kReferencedSOPInstanceUID);
        auto it = index.find(uid);
        if (it == index.end())
            bad(call, std::string(seq) + " names SOP instance \"" + uid + "\", which was not sent");
        return r.instances[it->second];
    };
    for (const auto& item : items(call, doc, kFailedSOPSequence)) {
        InstanceReport& rep = report_of(item, kFailedSOPSequence);
        rep.failure_reason = us_value(item, kFailureReason).value_or(0);
        // The archive holds an instance with this SOPInstanceUID already: it is
        // there, and confirmation checks that it is ours (docs/dicomweb.md).
        rep.already_held = rep.failure_reason == kDuplicateSOPInstance;
        rep.stored = rep.already_held;
        rep.message = rep.stored ? std::string() : failure_sentence(rep.failure_reason);
    }
    for (const auto& item : items(call, doc, kReferencedSOPSequence)) {
        InstanceReport& rep = report_of(item, kReferencedSOPSequence);
        if (rep.failure_reason >= 0 && !rep.already_held)
            bad(call, "SOP instance \"" + rep.sop_instance_uid + "\" is reported both stored and failed");
        rep.stored = true;
        rep.message.clear();
        rep.warning_reason = us_value(item, kWarningReason).value_or(-1);
        rep.retrieve_url = string_value(item, kRetrieveURL);
    }
    return r;
}

InstanceMetadata read_instance_metadata(const api::CallContext& call, const std::string& body) {
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_array() || doc.size() != 1 || !doc[0].is_object())
        bad(call, "the metadata is not a JSON array of one dataset");
    const json& d = doc[0];
    InstanceMetadata m;
    m.sop_instance_uid = string_value(d, kSOPInstanceUID);
    m.study_instance_uid = string_value(d, kStudyInstanceUID);
    m.series_instance_uid = string_value(d, kSeriesInstanceUID);
    m.patient_id = string_value(d, kPatientID);
    m.rows = us_value(d, kRows);
    m.columns = us_value(d, kColumns);
    return m;
}

}  // namespace cs::dicomweb
