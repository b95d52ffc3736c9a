// SyncSession, step 6 and 7: syncing, retry, hide, another patient, finish.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include <spdlog/spdlog.h>

#include "engine/sync/sync_session.h"
#include "engine/util/error.h"

namespace cs {

namespace {

SyncItemView* find_item(SessionView& v, const std::string& uuid) {
    for (auto& i : v.items)
        if (i.uuid == uuid) return &i;
    return nullptr;
}

void update_buttons(SessionView& v) {
    bool running = std::any_of(v.items.begin(), v.items.end(), [](const auto& i) { return i.state == ItemState::running; });
    v.can_sync_another = v.can_finish = !running;
    v.can_next = v.can_back = false;
    v.can_remind_later = false;
}

}  // namespace

void SyncSession::start_sync() {
    guarded([&] {
        require_step(SyncStep::options, "start the sync");
        if (!v_.can_next) throw Error("Choose a provider for every procedure first.", "start without providers");
        // Each procedure's size from the start, so the Sync tab's summary
        // counts the bytes of those still waiting too.
        std::vector<uint64_t> sizes;
        for (const auto& o : v_.options) {
            uint64_t bytes = 0;
            for (const auto& img : store_.images_of(o.uuid)) bytes += img.size;
            sizes.push_back(bytes);
        }
        {
            std::lock_guard<std::mutex> g(mu_);
            for (const auto& o : v_.options) kept_options_[o.uuid] = o;
            v_.items.clear();
            for (size_t i = 0; i < v_.options.size(); ++i) {
                const ProcedureOptions& o = v_.options[i];
                SyncItemView item;
                item.uuid = o.uuid, item.code = o.code, item.name = o.name, item.bytes_total = sizes[i];
                v_.items.push_back(std::move(item));
            }
            v_.step = SyncStep::sync;
            update_buttons(v_);
        }
        std::vector<std::string> order;
        for (const auto& i : v_.items) order.push_back(i.uuid);
        for (const auto& uuid : order) sync_item(uuid);  // one procedure at a time
    });
}

void SyncSession::sync_item(const std::string& uuid) {
    ProcedureOptions o;
    for (const auto& x : v_.options)
        if (x.uuid == uuid) o = x;
    const api::Patient& shown = *v_.match.selected;
    SyncChoice choice{shown.id, o.apply_charges, o.bill_insurance, o.provider_id,
                      {shown.first_name, shown.last_name, shown.birth_date}};
    {
        std::lock_guard<std::mutex> g(mu_);
        auto* item = find_item(v_, uuid);
        item->state = ItemState::running;
        item->message.clear();
        item->bytes_done = 0;
        update_buttons(v_);
    }
    auto progress = [&](uint64_t done, uint64_t total) {
        {
            std::lock_guard<std::mutex> g(mu_);
            auto* item = find_item(v_, uuid);
            item->bytes_done = done, item->bytes_total = total;
        }
        if (progress_) progress_(uuid, done, total);
    };
    // Whatever goes wrong, the item ends failed with a sentence, never left
    // `running` with every button disabled: sync_procedure throws for a store
    // failure, and a bug (any other exception) must not end the kiosk.
    SyncOutcome out;
    std::optional<ProcedureRecord> rec;
    try {
        out = sync_procedure(store_, client_, audit_, uuid, choice, o.fee_cents, progress, archive_);
        rec = store_.procedure(uuid);
    } catch (const Error& e) {
        spdlog::error("sync {}: {} ({})", uuid, e.what(), e.detail());
        out.message = e.what();
    } catch (const std::exception& e) {
        spdlog::error("sync {}: unexpected: {}", uuid, e.what());
        out.message = kUnexpectedProblemMessage;
    }
    std::lock_guard<std::mutex> g(mu_);
    auto* item = find_item(v_, uuid);
    item->state = out.synced ? ItemState::synced : ItemState::failed;
    item->message = out.message;
    if (rec) item->attempts = rec->attempts;  // else the store could not say: unchanged
    item->can_retry = !out.synced;
    item->can_hide = !out.synced && item->attempts >= 2;
    if (out.adopted_server_options)
        for (auto& x : v_.options)
            if (x.uuid == uuid) {
                x.apply_charges = out.choice.apply_charges, x.bill_insurance = out.choice.bill_insurance;
                x.provider_id = out.choice.provider_id, x.locked = true;
            }
    update_buttons(v_);
}

void SyncSession::sync_again(const std::string& uuid) {
    guarded([&] {
        require_step(SyncStep::sync, "sync again");
        auto* item = find_item(v_, uuid);
        if (!item || !item->can_retry) throw Error("This procedure is not waiting for another try.", "retry " + uuid);
        audit_.record(AuditAction::retry, {v_.offline_patient->id, v_.match.selected->id, uuid},
                      "attempt " + std::to_string(item->attempts + 1));
        sync_item(uuid);
    });
}

bool SyncSession::can_hide(const std::string& uuid) const {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& i : v_.items)
        if (i.uuid == uuid) return i.can_hide;
    return false;
}

void SyncSession::hide(const std::string& uuid) {
    guarded([&] {
        require_step(SyncStep::sync, "hide");
        if (!can_hide(uuid))
            throw Error("A procedure can be hidden only after it failed to sync twice.", "hide " + uuid);
        bool confirmed = hide_procedure(store_, &client_, audit_, recovery_, uuid);
        std::lock_guard<std::mutex> g(mu_);
        auto* item = find_item(v_, uuid);
        item->state = ItemState::hidden;
        item->message = confirmed ? "" : kHiddenUnconfirmedNote;
        item->can_retry = item->can_hide = false;
        update_buttons(v_);
    });
}

void SyncSession::sync_another_patient() {
    guarded([&] {
        if (!v_.can_sync_another) throw Error("Wait until the sync has finished.", "sync another while running");
        refresh_patients();
    });
}

FinishResult SyncSession::finish_and_proceed(bool wait) {
    if (took_lock_) store_.release_lock(), took_lock_ = false;
    {
        std::lock_guard<std::mutex> g(mu_);
        v_.step = SyncStep::finished;
        v_.can_next = v_.can_back = v_.can_remind_later = v_.can_sync_another = v_.can_finish = false;
    }
    if (cfg_.acquisition_command.empty() || cfg_.started_for_patient_id.empty()) return {};
    return run_acquisition_command(cfg_.acquisition_command, cfg_.started_for_patient_id, wait);
}

api::Session sign_in_audited(api::PracticeClient& client, AuditLog& audit, const std::string& user,
                             const std::string& pin) {
    try {
        auto s = client.sign_in(user, pin);
        audit.set_user(s.user_id.empty() ? user : s.user_id);
        audit.record(AuditAction::sign_in, {}, "signed in");
        return s;
    } catch (const api::ApiError& e) {
        audit.set_user(user);
        audit.record(AuditAction::sign_in, {}, std::string("refused: ") + api::to_string(e.kind()));
        throw;
    }
}

FinishResult run_acquisition_command(const std::string& command, const std::string& patient_id, bool wait) {
    std::vector<std::string> words;
    std::istringstream in(command);
    for (std::string w; in >> w;) {
        for (size_t at; (at = w.find("{patient_id}")) != std::string::npos;) w.replace(at, 12, patient_id);
        words.push_back(w);
    }
    if (words.empty()) return {};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    // A pipe closed by a successful exec (O_CLOEXEC) tells a started program
    // (end of file) from a failed launch (the child writes its errno).
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("The acquisition program could not be started.", std::strerror(errno));
    pid_t pid = ::fork();
    if (pid < 0) {
        int err = errno;
        ::close(fds[0]), ::close(fds[1]);
        throw Error("The acquisition program could not be started.", std::strerror(err));
    }
    if (pid == 0) {
        ::close(fds[0]);
        // Not waited for: a grandchild runs the program and this child ends at
        // once, so it is reaped below and the program is never our zombie.
        if (!wait) {
            pid_t grandchild = ::fork();
            if (grandchild != 0) {
                if (grandchild < 0) {
                    int err = errno;
                    (void)!::write(fds[1], &err, sizeof err);
                }
                ::_exit(grandchild < 0 ? 127 : 0);
            }
        }
        ::execvp(argv[0], argv.data());
        int err = errno;
        (void)!::write(fds[1], &err, sizeof err);
        ::_exit(127);
    }
    ::close(fds[1]);
    int launch_error = 0;
    ssize_t got;
    while ((got = ::read(fds[0], &launch_error, sizeof launch_error)) < 0 && errno == EINTR) {
    }
    ::close(fds[0]);
    FinishResult r;
    r.pid = pid;
    int status = 0;
    if (!wait || got > 0) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (got > 0)
        throw Error("The acquisition program " + words[0] + " could not be started (" + std::strerror(launch_error) +
                        "). Ask your IT person to check the acquisition command.",
                    command);
    r.ran_command = true;
    if (wait) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return r;
}

}  // namespace cs
