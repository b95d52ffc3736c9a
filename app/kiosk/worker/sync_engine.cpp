#include "app/kiosk/worker/sync_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/api/api_error.h"
#include "engine/api/practice_client.h"
#include "engine/dicomweb/stow_client.h"
#include "engine/store/offline_lock.h"
#include "engine/store/offline_store.h"
#include "engine/util/pin_hash.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/sync_pipeline.h"
#include "engine/sync/sync_session.h"
#include "app/kiosk/worker/preview_model.h"
#include "engine/util/error.h"
#include "engine/util/text.h"

namespace cs::kiosk {

namespace {

constexpr const char* kSettingKnownUsers = "kiosk_known_users";  // comma-separated, latest first
constexpr size_t kMaxKnownUsers = 6;
// The location's name as the server last said it, per location id: the top
// bar names it before sign-in and while the server cannot be reached.
std::string location_name_key(const std::string& location) { return "kiosk_location_name:" + location; }
// + the user name: JSON {user_id, user_name, pin}, the PIN of their last online sign-in here, hashed.
constexpr const char* kSettingLocalPin = "kiosk_local_pin:";
constexpr int kLocalPinIterations = 100000;
constexpr const char* kSettingLastOutcome = "kiosk_last_outcome";  // JSON of LastOutcome; "" when none
constexpr auto kProgressEvery = std::chrono::milliseconds(100);  // at most this often while bytes go out

std::vector<std::string> split_users(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string u;
    while (std::getline(in, u, ','))
        if (!u.empty()) out.push_back(u);
    return out;
}

bool is_unreachable(const api::ApiError& e) {
    return e.kind() == api::ApiErrorKind::network || e.kind() == api::ApiErrorKind::timeout ||
           e.kind() == api::ApiErrorKind::tls;
}

std::string local_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%m/%d/%Y %H:%M", &tm);
    return buf;
}

}  // namespace

SyncEngine::SyncEngine(OfflineStore& store, SyncEngineOptions opt, Publish publish)
    : store_(store), opt_(std::move(opt)), publish_(std::move(publish)) {
    if (opt_.location.empty()) opt_.location = store_.setting(kSettingLocationId).value_or("");
    if (opt_.workstation.empty()) opt_.workstation = store_.workstation_id();
    audit_ = std::make_unique<AuditLog>(store_.db(), opt_.workstation);
    if (!opt_.server_url.empty()) {
        api::ClientConfig cfg;
        cfg.base_url = opt_.server_url;
        cfg.ca_file = opt_.ca_file;
        cfg.location_id = opt_.location;
        cfg.workstation = opt_.workstation;
        client_ = std::make_unique<api::PracticeClient>(cfg);
    }
    if (opt_.archive.configured()) {
        try {
            archive_ = std::make_unique<dicomweb::StowClient>(dicomweb::archive_config(opt_.archive));
        } catch (const Error& e) {  // said when someone syncs; the kiosk starts anyway (Preview, Recovery)
            spdlog::error("image archive: {} ({})", e.what(), e.detail());
            archive_problem_ = Error(e.what(), "image archive setting: " + e.detail());
        }
    }
}

dicomweb::StowClient* SyncEngine::archive() {
    if (archive_problem_) throw *archive_problem_;
    return archive_.get();
}

SyncEngine::~SyncEngine() {
    session_.reset();  // releases the lock while the store is still open
    if (client_ && client_->signed_in()) {
        try {
            client_->sign_out();
        } catch (const Error& e) {
            spdlog::warn("sign-out at exit: {}", e.detail());
        }
    }
}

std::function<void()> SyncEngine::canceller() {
    return [client = client_.get(), archive = archive_.get()] {
        if (client) client->cancel();
        if (archive) archive->cancel();
    };
}

void SyncEngine::publish_known_users() {
    auto users = split_users(store_.setting(kSettingKnownUsers).value_or(""));
    std::string place = store_.setting(location_name_key(opt_.location)).value_or("");
    publish_([&](Snapshot& s) {
        s.known_users = users;
        s.location_name = place;
    });
}

std::string SyncEngine::location_name() {
    std::string cached = store_.setting(location_name_key(opt_.location)).value_or("");
    if (opt_.location.empty()) return cached;
    try {
        std::string name = client_->location(opt_.location).name;
        if (name != cached) store_.set_setting(location_name_key(opt_.location), name);
        return name;
    } catch (const Error& e) {  // the id or the last name known does; signing in goes on
        spdlog::warn("location {}: {}", opt_.location, e.detail());
        return cached;
    }
}

void SyncEngine::start() {
    if (!opt_.auto_user.empty()) handle(cmd::SignIn{opt_.auto_user, opt_.auto_pin});
}

void SyncEngine::handle(const cmd::SyncCommand& c) {
    try {
        std::visit([&](const auto& command) { run(command); }, c);
    } catch (const api::ApiError& e) {
        spdlog::error("sync: {} ({})", e.what(), e.detail());
        bool down = is_unreachable(e);
        publish_view([&](Snapshot& s) {
            s.error = e.what();
            if (down) s.server = ServerStatus::offline;
        });
        if (opt_.check_server) opt_.check_server();
    } catch (const Error& e) {
        spdlog::error("sync: {} ({})", e.what(), e.detail());
        bool refused = std::string(e.what()) == kOfflineModeOpenMessage;
        publish_view([&](Snapshot& s) {
            s.error = e.what();
            if (refused) s.lock_refused = true;
        });
    } catch (const std::exception& e) {  // a bug must not end the kiosk: say so, keep going
        spdlog::error("sync: unexpected: {}", e.what());
        publish_view([](Snapshot& s) { s.error = kUnexpectedProblemMessage; });
    }
}

SyncSession& SyncEngine::session() {
    if (offline_only_) throw Error(kOfflineOnlyMessage, "sync command signed in offline");
    if (!signed_in_ || !session_) throw Error("Sign in first.", "sync command without a signed-in user");
    return *session_;
}

void SyncEngine::new_session() {
    session_.reset();
    SessionConfig cfg;
    cfg.location_id = opt_.location;
    cfg.started_for_patient_id = opt_.patient;
    cfg.acquisition_command = opt_.proceed_command;
    cfg.recovery_dir = opt_.recovery_dir;
    session_ = std::make_unique<SyncSession>(store_, *client_, *audit_, cfg);
    session_->set_archive(archive_.get());  // StartSync refuses first when the archive's setting is not usable
    session_->set_progress_callback([this](const std::string&, uint64_t done, uint64_t total) {
        if (progress_due(done, total)) publish_view();
    });
}

bool SyncEngine::progress_due(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_progress_ < kProgressEvery) return false;
    last_progress_ = now;
    return true;
}

void SyncEngine::publish_view(const std::function<void(Snapshot&)>& change) {
    SessionView v = session_ ? session_->view() : SessionView{};
    size_t failed = std::count_if(v.items.begin(), v.items.end(),
                                  [](const SyncItemView& it) { return it.state == ItemState::failed; });
    if (failed > failed_items_ && opt_.check_server) opt_.check_server();  // "cannot be reached" beside "online"?
    failed_items_ = failed;
    publish_([&](Snapshot& s) {
        s.session = v;
        if (change) change(s);
    });
}

void SyncEngine::remember_user(const std::string& user) {
    auto users = split_users(store_.setting(kSettingKnownUsers).value_or(""));
    users.erase(std::remove(users.begin(), users.end(), user), users.end());
    users.insert(users.begin(), user);
    if (users.size() > kMaxKnownUsers) users.resize(kMaxKnownUsers);
    std::string joined;
    for (const auto& u : users) joined += (joined.empty() ? "" : ",") + u;
    store_.set_setting(kSettingKnownUsers, joined);
    publish_([&](Snapshot& s) { s.known_users = users; });
}

void SyncEngine::run(const cmd::SignIn& c) {
    if (!client_)
        throw Error("No practice server is set up on this computer. Ask your administrator to set its address.",
                    "sign-in without a server URL");
    if (c.user.empty() || c.pin.empty()) throw Error("Enter your user name and PIN, then tap Sign In.");
    api::Session who;
    try {
        who = sign_in_audited(*client_, *audit_, c.user, c.pin);
    } catch (const api::ApiError& e) {
        if (!is_unreachable(e)) throw;
        spdlog::warn("sign-in: the server did not answer ({}); checking the PIN on this computer", e.detail());
        sign_in_offline(c);
        return;
    }
    audit_->set_user(c.user);
    keep_local_pin(c, who);
    signed_in_ = true;
    offline_only_ = false;
    new_session();
    bool prompt = session_->should_prompt();
    std::string gate = gate_patient_words();
    std::string place = location_name();
    remember_user(c.user);
    if (!purged_at_start_) {  // the kiosk's start: the first time a client can ask the server
        purged_at_start_ = true;
        purge_old_images();
    }
    std::optional<LastOutcome> outcome = kept_outcome();
    publish_view([&](Snapshot& s) {
        s.signed_in = true;
        s.last_outcome = std::move(outcome);
        s.user_name = who.user_name.empty() ? c.user : who.user_name;
        s.should_prompt = prompt;
        s.in_session = false;
        s.offline_only = false;
        s.lock_refused = false;
        s.server = ServerStatus::online;
        s.gate_patient = gate;
        s.location_name = place;
        s.notice.clear();
        s.error.clear();
    });
}

std::string SyncEngine::gate_patient_words() {
    if (opt_.patient.empty()) return {};
    try {
        api::Patient p = client_->patient(opt_.patient);
        return person_name(p.first_name, p.last_name) + "  \xC2\xB7  " + format_birth_date(p.birth_date, today_local());
    } catch (const Error& e) {  // the gate still works by id; the prompt says the id
        spdlog::warn("gate patient {}: {}", opt_.patient, e.detail());
        return "patient " + opt_.patient;
    }
}

void SyncEngine::run(const cmd::SignOut& c) {
    // Runs after a sync under way has ended (the worker takes one command at
    // a time), so the view holds how it ended.
    if (c.for_inactivity && session_) keep_outcome(session_->view());
    session_.reset();  // releases the lock; nothing of the patient stays in the snapshot
    signed_in_ = offline_only_ = false;
    if (client_ && client_->signed_in()) client_->sign_out();
    audit_->set_user({});
    publish_view([](Snapshot& s) {
        s.signed_in = false;
        s.user_name.clear();
        s.should_prompt = s.in_session = s.lock_refused = s.offline_only = false;
        s.attach = AttachView{};
        s.gate_patient.clear();
        s.notice.clear();
        s.last_outcome.reset();
        s.error.clear();
    });
}

void SyncEngine::keep_local_pin(const cmd::SignIn& c, const api::Session& who) {
    nlohmann::json j;
    j["user_id"] = who.user_id.empty() ? c.user : who.user_id;
    j["user_name"] = who.user_name.empty() ? c.user : who.user_name;
    j["pin"] = hash_pin(c.pin, kLocalPinIterations);
    store_.set_setting(kSettingLocalPin + c.user, j.dump());
}

void SyncEngine::sign_in_offline(const cmd::SignIn& c) {
    publish_([](Snapshot& s) { s.server = ServerStatus::offline; });
    if (opt_.check_server) opt_.check_server();
    std::string user_id, user_name;
    bool ok = false;
    try {
        auto j = nlohmann::json::parse(store_.setting(kSettingLocalPin + c.user).value_or("{}"));
        user_id = j.value("user_id", "");
        user_name = j.value("user_name", "");
        ok = !user_id.empty() && verify_pin(c.pin, j.value("pin", ""));
    } catch (const nlohmann::json::exception& e) {
        spdlog::warn("offline sign-in: the kept PIN of {} is unreadable: {}", c.user, e.what());
    }
    audit_->set_user(ok ? user_id : c.user);
    audit_->record(AuditAction::sign_in, {},
                   ok ? "offline: the server did not answer; PIN checked on this workstation"
                      : "offline refused: PIN not checked on this workstation");
    audit_->set_user(ok ? c.user : std::string());  // as after an online sign-in
    if (!ok) {
        // One sentence for a wrong PIN and a name never signed in here: it tells nobody which names did.
        throw Error("The practice server does not answer, and this computer cannot check that PIN. Preview and "
                    "the Recovery folder open without the server for people who signed in here before: use the "
                    "PIN of your last sign-in here.",
                    "offline sign-in refused for " + c.user);
    }
    session_.reset();
    signed_in_ = false;  // no client session: every call to the server says kOfflineOnlyMessage
    offline_only_ = true;
    std::optional<LastOutcome> outcome = kept_outcome();
    publish_view([&](Snapshot& s) {
        s.signed_in = true;
        s.offline_only = true;
        s.user_name = user_name;
        s.last_outcome = std::move(outcome);
        s.should_prompt = s.in_session = s.lock_refused = false;
        s.error.clear();
    });
}

void SyncEngine::keep_outcome(const SessionView& v) {
    if (v.items.empty()) return;  // nothing was sent: nothing to tell
    nlohmann::json j;
    j["user"] = audit_->user();
    j["ended_at"] = local_now();
    j["patient"] = v.offline_patient ? person_name(v.offline_patient->first_name, v.offline_patient->last_name) : "";
    int synced = 0, failed = 0, hidden = 0, not_run = 0;
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& it : v.items) {
        switch (it.state) {
        case ItemState::synced: ++synced; break;
        case ItemState::hidden: ++hidden; break;
        case ItemState::failed:
            ++failed;
            failures.push_back(it.code + " " + it.name + ": " + it.message);
            break;
        default: ++not_run; break;
        }
    }
    j["synced"] = synced, j["failed"] = failed, j["hidden"] = hidden, j["not_run"] = not_run;
    j["failures"] = failures;
    store_.set_setting(kSettingLastOutcome, j.dump());
}

std::optional<LastOutcome> SyncEngine::kept_outcome() {
    std::string text = store_.setting(kSettingLastOutcome).value_or("");
    if (text.empty()) return std::nullopt;
    try {
        auto j = nlohmann::json::parse(text);
        LastOutcome o;
        o.user = j.at("user").get<std::string>();
        o.ended_at = j.at("ended_at").get<std::string>();
        o.patient = j.at("patient").get<std::string>();
        o.synced = j.at("synced").get<int>();
        o.failed = j.at("failed").get<int>();
        o.hidden = j.at("hidden").get<int>();
        o.not_run = j.at("not_run").get<int>();
        o.failures = j.at("failures").get<std::vector<std::string>>();
        return o;
    } catch (const nlohmann::json::exception& e) {  // a damaged setting must not stop a sign-in
        spdlog::warn("the last session's outcome is unreadable and is dropped: {}", e.what());
        store_.set_setting(kSettingLastOutcome, "");
        return std::nullopt;
    }
}

void SyncEngine::run(const cmd::DismissOutcome&) {
    store_.set_setting(kSettingLastOutcome, "");
    publish_([](Snapshot& s) { s.last_outcome.reset(); });
}

void SyncEngine::run(const cmd::CheckServer&) {
    if (opt_.check_server) opt_.check_server();
}

void SyncEngine::run(const cmd::StartSync&) {
    archive();  // its sentence, before anything is declared to the practice server
    session().begin();
    publish_view([](Snapshot& s) {
        s.in_session = true;
        s.notice.clear();
        s.should_prompt = s.lock_refused = false;
        s.error.clear();
    });
}

void SyncEngine::run(const cmd::RemindLater&) {
    session().remind_me_later();
    new_session();  // the next Synchronize Procedures starts afresh
    publish_view([](Snapshot& s) {
        s.in_session = s.should_prompt = s.lock_refused = false;
        s.error.clear();
    });
}

// The wizard's steps: call, then show the new view (errors cleared on success).
#define CS_SESSION_STEP(Cmd, call)                          \
    void SyncEngine::run(const cmd::Cmd& c) {               \
        (void)c;                                            \
        session().call;                                     \
        publish_view([](Snapshot& s) { s.error.clear(); }); \
    }
CS_SESSION_STEP(SelectPatient, select_patient(c.offline_patient_id))
CS_SESSION_STEP(EditMatch, edit_match())
CS_SESSION_STEP(Search, search(c.query))
CS_SESSION_STEP(ChoosePatient, choose_patient(c.online_patient_id))
CS_SESSION_STEP(AcceptMatch, accept_match())
CS_SESSION_STEP(SelectProcedure, select_procedure(c.uuid))
CS_SESSION_STEP(SetApplyCharges, set_apply_charges(c.uuid, c.on))
CS_SESSION_STEP(SetBillInsurance, set_bill_insurance(c.uuid, c.on))
CS_SESSION_STEP(SetProvider, set_provider(c.uuid, c.provider_id))
CS_SESSION_STEP(ApplyToAll, apply_selected_to_all())
CS_SESSION_STEP(Back, back())
CS_SESSION_STEP(SyncAgain, sync_again(c.uuid))
CS_SESSION_STEP(Hide, hide(c.uuid))
CS_SESSION_STEP(SyncAnother, sync_another_patient())
#undef CS_SESSION_STEP

void SyncEngine::run(const cmd::StartSyncRun&) {
    publish_view([](Snapshot& s) { s.error.clear(); });
    session().start_sync();  // progress publishes as it goes
    publish_view();
    purge_old_images();
}

void SyncEngine::purge_old_images() {
    try {
        // Images sent to the archive go only while the archive still holds them: with its
        // setting unusable (no client) they stay, whatever the practice server says.
        int n = purge_synced(store_, *client_, std::chrono::system_clock::now(), kDefaultRetention, archive_.get());
        if (n > 0) spdlog::info("retention: removed the local images of {} procedure(s) the server confirmed", n);
    } catch (const Error& e) {
        spdlog::warn("retention: images kept: {} ({})", e.what(), e.detail());
    }
}

void SyncEngine::run(const cmd::Finish&) {
    SyncSession& ending = session();
    std::string launch_error;  // the session ends either way; a program that did not start is said on Home
    bool launched = false;
    try {
        launched = ending.finish_and_proceed(false).ran_command;
    } catch (const Error& e) {
        spdlog::error("finish and proceed: {} ({})", e.what(), e.detail());
        launch_error = e.what();
    }
    new_session();
    publish_view([&](Snapshot& s) {
        s.in_session = s.should_prompt = false;
        s.error = launch_error;
        // Home says that it ended and, in gate mode, for whom imaging goes on
        // (launched needs the gate's patient, so gate_patient names them).
        s.notice.clear();
        if (launch_error.empty())
            s.notice = launched ? "Sync finished. Imaging is starting for " + s.gate_patient + "." : "Sync finished.";
    });
}

void SyncEngine::run(const cmd::LeaveSync&) {
    session();
    new_session();  // releases the offline-mode lock; unlike Remind Me Later nothing is put off
    publish_view([](Snapshot& s) {
        s.in_session = s.should_prompt = s.lock_refused = false;
        s.error.clear();
    });
}

void SyncEngine::run(const cmd::DismissError&) {
    publish_([](Snapshot& s) {
        s.error.clear();
        s.lock_refused = false;
    });
}

}  // namespace cs::kiosk
