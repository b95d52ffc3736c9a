#include "engine/store/records.h"

namespace cs {

const char* to_string(ImageKind k) { return k == ImageKind::radiograph ? "radiograph" : "photo"; }

const char* to_string(ProcedureState s) {
    switch (s) {
        case ProcedureState::pending: return "pending";
        case ProcedureState::failed: return "failed";
        case ProcedureState::synced: return "synced";
        case ProcedureState::hidden: return "hidden";
    }
    return "pending";
}

std::optional<ImageKind> image_kind_from_string(const std::string& s) {
    if (s == "radiograph") return ImageKind::radiograph;
    if (s == "photo") return ImageKind::photo;
    return std::nullopt;
}

std::optional<ProcedureState> procedure_state_from_string(const std::string& s) {
    for (auto st : {ProcedureState::pending, ProcedureState::failed, ProcedureState::synced, ProcedureState::hidden})
        if (s == to_string(st)) return st;
    return std::nullopt;
}

}  // namespace cs
