#include "engine/sync/offered_options.h"

#include <algorithm>

#include "engine/api/practice_client.h"

namespace cs {

bool OfferedOptions::offers(const std::string& provider_id) const {
    return std::any_of(providers.begin(), providers.end(), [&](const auto& p) { return p.id == provider_id; });
}

const api::ProcedureType* OfferedOptions::type(const std::string& code) const {
    auto t = std::find_if(types.begin(), types.end(), [&](const auto& x) { return x.code == code; });
    return t == types.end() ? nullptr : &*t;
}

bool OfferedOptions::apply_defaults(ProcedureOptions& o) const {
    const api::ProcedureType* t = type(o.code);
    if (!t) return false;
    o.fee_cents = t->fee_cents;
    o.apply_charges = t->default_apply_charges;
    o.bill_insurance = t->default_bill_insurance;
    o.provider_id = t->default_provider_id && offers(*t->default_provider_id) ? *t->default_provider_id : "";
    return true;
}

std::string OfferedOptions::provider_list() const {
    std::string out;
    for (const auto& p : providers) out += (out.empty() ? "" : ", ") + p.id + " (" + p.name + ")";
    return out;
}

OfferedOptions load_offered_options(api::PracticeClient& client, const std::string& location_id) {
    OfferedOptions out;
    for (auto& p : client.providers(location_id))
        if (p.charting) out.providers.push_back(std::move(p));
    out.types = client.procedure_types(location_id);
    return out;
}

}  // namespace cs
