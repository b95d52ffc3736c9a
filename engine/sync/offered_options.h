#pragma once
// What Imaging Options may offer at a location (docs/sync-workflow.md): the
// charting providers the server lists for it (it lists only those with
// access) and each procedure type's fee and defaults. The wizard, the
// recovery folder's Attach to Patient and the command line all choose from this.
#include <string>
#include <vector>

#include "engine/api/api_types.h"
#include "engine/sync/session_view.h"

namespace cs {
namespace api {
class PracticeClient;
}

struct OfferedOptions {
    std::vector<api::Provider> providers;  // charting providers with access to the location
    std::vector<api::ProcedureType> types;

    bool offers(const std::string& provider_id) const;
    const api::ProcedureType* type(const std::string& code) const;  // nullptr: unknown here
    // The type's fee and default charges, insurance and provider (only an offered
    // one) into `o`; false (o unchanged) when the location does not know `o.code`.
    bool apply_defaults(ProcedureOptions& o) const;
    // "dr-1 (Dr. Ana Reyes), hyg-2 (Sam Lee)": for messages that must say what may be chosen.
    std::string provider_list() const;
};

OfferedOptions load_offered_options(api::PracticeClient& client, const std::string& location_id);

}  // namespace cs
