// The SyncSession state machine (sync_session.h). Each step reads the store
// or the server without holding mu_, then publishes what it found under mu_.
#include "engine/sync/sync_session.h"

#include <algorithm>

#include "engine/api/person_compare.h"
#include "engine/sync/auto_match.h"
#include "engine/sync/offered_options.h"
#include "engine/util/error.h"
#include "engine/util/text.h"

namespace cs {

namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }

const api::Patient* find_patient(const MatchView& m, const std::string& id) {
    for (const auto& p : m.candidates)
        if (p.id == id) return &p;
    for (const auto& p : m.results.patients)
        if (p.id == id) return &p;
    for (const auto& h : m.results.households)
        for (const auto& p : h.members)
            if (p.id == id) return &p;
    return nullptr;
}

}  // namespace

const char* to_string(SyncStep s) {
    switch (s) {
        case SyncStep::prompt: return "prompt";
        case SyncStep::patients: return "patients";
        case SyncStep::match: return "match";
        case SyncStep::options: return "options";
        case SyncStep::sync: return "sync";
        case SyncStep::finished: return "finished";
    }
    return "unknown";
}

const char* to_string(MatchKind k) {
    switch (k) {
        case MatchKind::none: return "none";
        case MatchKind::potential: return "potential";
        case MatchKind::choose: return "choose";
        case MatchKind::chosen: return "chosen";
    }
    return "unknown";
}

const char* to_string(NoMatchReason r) {
    switch (r) {
        case NoMatchReason::none: return "none";
        case NoMatchReason::no_birth_date: return "no date of birth";
        case NoMatchReason::several: return "several patients qualify";
        case NoMatchReason::nobody: return "nobody found";
    }
    return "unknown";
}

const char* explain(NoMatchReason r) {
    switch (r) {
        case NoMatchReason::none: return "";
        case NoMatchReason::no_birth_date:
            return "No match is suggested: the offline patient has no date of birth, and a name alone may be "
                   "someone else's. Search and choose the right patient.";
        case NoMatchReason::several:
            return "No match is suggested: more than one online patient has this name and date of birth. "
                   "Choose the right one.";
        case NoMatchReason::nobody:
            return "No match is suggested: no online patient has this name and date of birth. Search by name, "
                   "or add the patient in the online system first.";
    }
    return "";
}

const char* to_string(ItemState s) {
    switch (s) {
        case ItemState::waiting: return "waiting";
        case ItemState::running: return "running";
        case ItemState::synced: return "synced";
        case ItemState::failed: return "failed";
        case ItemState::hidden: return "hidden";
    }
    return "unknown";
}

SyncSession::SyncSession(OfflineStore& store, api::PracticeClient& client, AuditLog& audit, SessionConfig cfg)
    : store_(store),
      client_(client),
      audit_(audit),
      cfg_(std::move(cfg)),
      recovery_(RecoveryFolder::dir_for(store.root(), cfg_.recovery_dir)) {
    if (cfg_.location_id.empty()) cfg_.location_id = store_.setting(kSettingLocationId).value_or("");
    v_.started_for_patient_id = cfg_.started_for_patient_id;
    v_.location_id = cfg_.location_id;
    v_.can_next = v_.can_remind_later = true;
}

SyncSession::~SyncSession() {
    if (took_lock_) store_.release_lock();
}

SessionView SyncSession::view() const {
    std::lock_guard<std::mutex> g(mu_);
    return v_;
}

void SyncSession::guarded(const std::function<void()>& f) {
    try {
        f();
        std::lock_guard<std::mutex> g(mu_);
        v_.error.clear();
    } catch (const Error& e) {
        std::lock_guard<std::mutex> g(mu_);
        v_.error = e.what();
        throw;
    }
}

void SyncSession::require_step(SyncStep s, const char* action) const {
    if (v_.step != s)
        throw Error(std::string("That cannot be done now (") + action + ").",
                    std::string(action) + " in step " + to_string(v_.step));
}

std::string SyncSession::today() const { return cfg_.today ? cfg_.today() : today_local(); }

bool SyncSession::should_prompt() {
    if (store_.patients_with_pending().empty()) return false;
    return store_.setting(kSettingRemindLaterDate).value_or("") != today();
}

void SyncSession::remind_me_later() {
    std::string day = today();
    store_.set_setting(kSettingRemindLaterDate, day);
    audit_.record(AuditAction::remind_later, {}, "until after " + day);
    if (took_lock_) store_.release_lock(), took_lock_ = false;
    std::lock_guard<std::mutex> g(mu_);
    v_.step = SyncStep::finished;
    v_.can_next = v_.can_back = v_.can_remind_later = v_.can_sync_another = false;
    v_.can_finish = true;
}

void SyncSession::begin() {
    guarded([&] {
        if (cfg_.location_id.empty())
            throw Error("This computer has no location set. Ask your IT person to set it, then try again.",
                        "no location_id setting");
        if (!store_.holds_lock()) {
            store_.hold_lock();  // throws kOfflineModeOpenMessage when offline imaging is open
            took_lock_ = true;
        }
        recover_after_crash(store_, recovery_.dir());
        refresh_patients();
    });
}

void SyncSession::refresh_patients() {
    auto patients = store_.patients_with_pending();
    std::lock_guard<std::mutex> g(mu_);
    v_.patients = std::move(patients);
    v_.step = SyncStep::patients;
    v_.offline_patient.reset();
    v_.match = {};
    v_.options.clear();
    v_.items.clear();
    v_.can_next = v_.can_back = v_.can_sync_another = false;
    v_.can_remind_later = v_.can_finish = true;
}

void SyncSession::select_patient(int64_t id) {
    guarded([&] {
        require_step(SyncStep::patients, "select a patient");
        auto it = std::find_if(v_.patients.begin(), v_.patients.end(),
                               [&](const PatientSummary& s) { return s.patient.id == id; });
        if (it == v_.patients.end())
            throw Error("This patient has no offline images left to sync.", "patient " + std::to_string(id));
        OfflinePatient p = it->patient;
        MatchView m;
        // An odd or empty birth date, or a name that is never matched
        // automatically (docs/name-matching.md), matches nobody: never asked.
        // The date is parsed once and sent parsed.
        AutoMatchQuery q = auto_match_query(p);
        if (q.may_ask()) m.candidates = client_.exact_candidates(p.first_name, p.last_name, *q.birth_date);
        if (m.candidates.size() == 1) {
            m.kind = MatchKind::potential;
            m.selected = m.candidates.front();
        } else {
            m.kind = m.candidates.empty() ? MatchKind::none : MatchKind::choose;
            m.editing = m.candidates.empty();  // no match: the search box at once
            m.no_match = !m.candidates.empty()           ? NoMatchReason::several
                         : parse_iso_date(p.birth_date) ? NoMatchReason::nobody
                                                         : NoMatchReason::no_birth_date;
            audit_.record(AuditAction::match_decision, {p.id, "", ""},
                          "no match suggested: " + no_match_reason(q, m.candidates));
        }
        std::lock_guard<std::mutex> g(mu_);
        v_.offline_patient = p;
        v_.match = std::move(m);
        v_.step = SyncStep::match;
        v_.can_next = v_.match.selected.has_value();
        v_.can_back = v_.can_remind_later = true;
        v_.can_finish = false;
    });
}

void SyncSession::edit_match() {
    guarded([&] {
        require_step(SyncStep::match, "edit the match");
        std::lock_guard<std::mutex> g(mu_);
        v_.match.editing = true;
    });
}

void SyncSession::search(const std::string& query) {
    guarded([&] {
        require_step(SyncStep::match, "search");
        auto results = client_.search(query);
        std::lock_guard<std::mutex> g(mu_);
        v_.match.editing = true;
        v_.match.query = query;
        v_.match.rows = search_rows(results);
        v_.match.results = std::move(results);
    });
}

void SyncSession::choose_patient(const std::string& online_id) {
    guarded([&] {
        require_step(SyncStep::match, "choose a patient");
        const api::Patient* p = find_patient(v_.match, online_id);
        if (!p) throw Error("Choose a patient from the list shown.", "patient " + online_id + " not offered");
        api::Patient chosen = *p;
        std::lock_guard<std::mutex> g(mu_);
        v_.match.selected = chosen;
        v_.match.kind = MatchKind::chosen;
        v_.can_next = true;
    });
}

void SyncSession::accept_match() {
    guarded([&] {
        require_step(SyncStep::match, "accept the match");
        if (!v_.match.selected) throw Error("Choose the online patient first.", "accept without a match");
        const OfflinePatient& op = *v_.offline_patient;
        auto diff = api::compare_person(*v_.match.selected, op.first_name, op.last_name, op.birth_date);
        std::string outcome = v_.match.kind == MatchKind::potential ? "potential match accepted" : "chosen by the user";
        if (diff.any()) outcome += std::string("; differs in ") + differences_text(diff);
        audit_.record(AuditAction::match_decision, {op.id, v_.match.selected->id, ""}, outcome);
        load_options();
    });
}

void SyncSession::load_options() {
    OfferedOptions offered = load_offered_options(client_, cfg_.location_id);
    std::vector<ProcedureOptions> options;
    for (const auto& proc : store_.procedures_of(v_.offline_patient->id)) {
        if (proc.state != ProcedureState::pending && proc.state != ProcedureState::failed) continue;
        ProcedureOptions o;
        o.uuid = proc.uuid, o.code = proc.code, o.name = proc.name, o.acquired_at = proc.acquired_at;
        o.image_count = proc.image_count;
        offered.apply_defaults(o);
        if (auto kept = kept_options_.find(proc.uuid); kept != kept_options_.end()) {
            o.apply_charges = kept->second.apply_charges;
            o.bill_insurance = kept->second.bill_insurance;
            o.provider_id = kept->second.provider_id;
        }
        // Sent before with a stored choice: the server keeps that body for this uuid.
        if (proc.choice && proc.attempts > 0) {
            o.apply_charges = proc.choice->apply_charges;
            o.bill_insurance = proc.choice->bill_insurance;
            o.provider_id = proc.choice->provider_id;
            o.locked = true;
        }
        options.push_back(std::move(o));
    }
    if (options.empty()) throw Error("This patient has no offline procedures left to sync.", "no options");
    std::lock_guard<std::mutex> g(mu_);
    v_.providers = std::move(offered.providers);
    v_.options = std::move(options);
    v_.selected_option = 0;  // the first is selected on arrival
    v_.options_note.clear();
    v_.step = SyncStep::options;
    v_.can_back = v_.can_remind_later = true;
    v_.can_next = std::all_of(v_.options.begin(), v_.options.end(), [](const auto& o) { return !o.provider_id.empty(); });
}

ProcedureOptions& SyncSession::option(const std::string& uuid) {
    require_step(SyncStep::options, "change the options");
    for (auto& o : v_.options)
        if (o.uuid == uuid) return o;
    throw Error("This procedure is not listed.", "option " + uuid);
}

void SyncSession::record_option(const std::string& uuid, const std::string& what) {
    auto& o = option(uuid);
    kept_options_[uuid] = o;
    std::lock_guard<std::mutex> g(mu_);
    v_.options_note.clear();  // a note about Apply to All no longer tells the whole story
    v_.can_next = std::all_of(v_.options.begin(), v_.options.end(), [](const auto& x) { return !x.provider_id.empty(); });
    audit_.record(AuditAction::option_change,
                  {v_.offline_patient->id, v_.match.selected ? v_.match.selected->id : "", uuid}, what);
}

void SyncSession::select_procedure(const std::string& uuid) {
    guarded([&] {
        require_step(SyncStep::options, "select a procedure");
        for (size_t i = 0; i < v_.options.size(); ++i)
            if (v_.options[i].uuid == uuid) {
                std::lock_guard<std::mutex> g(mu_);
                v_.selected_option = static_cast<int>(i);
                return;
            }
        throw Error("This procedure is not listed.", "select " + uuid);
    });
}

namespace {
[[noreturn]] void locked_error(const std::string& uuid) {
    throw Error("This procedure was already sent with these options; they cannot change now.", "locked " + uuid);
}
}  // namespace

void SyncSession::set_apply_charges(const std::string& uuid, bool on) {
    guarded([&] {
        if (option(uuid).locked) locked_error(uuid);
        {
            std::lock_guard<std::mutex> g(mu_);
            option(uuid).apply_charges = on;
        }
        record_option(uuid, "apply_charges=" + yes_no(on));
    });
}

void SyncSession::set_bill_insurance(const std::string& uuid, bool on) {
    guarded([&] {
        if (option(uuid).locked) locked_error(uuid);
        {
            std::lock_guard<std::mutex> g(mu_);
            option(uuid).bill_insurance = on;
        }
        record_option(uuid, "bill_insurance=" + yes_no(on));
    });
}

void SyncSession::set_provider(const std::string& uuid, const std::string& provider_id) {
    guarded([&] {
        if (option(uuid).locked) locked_error(uuid);
        if (std::none_of(v_.providers.begin(), v_.providers.end(), [&](const auto& p) { return p.id == provider_id; }))
            throw Error("Choose a provider from the list: only charting providers of this location may be used.",
                        "provider " + provider_id + " not offered");
        {
            std::lock_guard<std::mutex> g(mu_);
            option(uuid).provider_id = provider_id;
        }
        record_option(uuid, "provider=" + provider_id);
    });
}

void SyncSession::apply_selected_to_all() {
    guarded([&] {
        require_step(SyncStep::options, "apply to all");
        ProcedureOptions src = v_.options.at(static_cast<size_t>(v_.selected_option));
        std::vector<std::string> changed;
        {
            std::lock_guard<std::mutex> g(mu_);
            for (auto& o : v_.options) {
                if (o.locked || o.uuid == src.uuid) continue;
                o.apply_charges = src.apply_charges, o.bill_insurance = src.bill_insurance, o.provider_id = src.provider_id;
                changed.push_back(o.uuid);
            }
        }
        for (const auto& uuid : changed)
            record_option(uuid, "applied from " + src.uuid + ": apply_charges=" + yes_no(src.apply_charges) +
                                    " bill_insurance=" + yes_no(src.bill_insurance) + " provider=" + src.provider_id);
        const size_t others = v_.options.size() - 1;
        std::string note;
        if (changed.empty())
            note = "No other procedure can take these options: the others were already sent with their own.";
        else
            note = "The options of " + src.code + " were applied to " + std::to_string(changed.size()) + " other " +
                   (changed.size() == 1 ? "procedure" : "procedures") +
                   (changed.size() < others ? " (the rest were already sent with their own)." : ".");
        std::lock_guard<std::mutex> g(mu_);
        v_.options_note = std::move(note);
    });
}

void SyncSession::back() {
    guarded([&] {
        std::lock_guard<std::mutex> g(mu_);
        if (v_.step == SyncStep::options) {
            for (const auto& o : v_.options) kept_options_[o.uuid] = o;
            v_.step = SyncStep::match;
            v_.can_next = v_.match.selected.has_value();
        } else if (v_.step == SyncStep::match) {
            v_.step = SyncStep::patients;
            v_.can_next = v_.can_back = false;  // the list is the first step: nothing to go back to
            v_.can_finish = true;
        } else {
            throw Error("There is no step to go back to.", std::string("back in ") + to_string(v_.step));
        }
    });
}

}  // namespace cs
