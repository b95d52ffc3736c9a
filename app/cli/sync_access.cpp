#include "app/cli/sync_access.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "engine/api/person_compare.h"
#include "engine/sync/offered_options.h"
#include "engine/sync/sync_session.h"
#include "engine/util/text.h"

namespace cs::cli {

namespace {

std::string env_or(const char* name, const std::string& given) {
    if (!given.empty()) return given;
    const char* v = std::getenv(name);
    return v ? v : "";
}

int code_for(const api::ApiError& e) {
    switch (e.kind()) {
        case api::ApiErrorKind::network:
        case api::ApiErrorKind::timeout:
        case api::ApiErrorKind::tls: return kExitUnreachable;
        case api::ApiErrorKind::auth:
        case api::ApiErrorKind::rate_limited: return kExitSignIn;
        case api::ApiErrorKind::config: return kExitBadArgs;
        default: return kExitError;
    }
}

}  // namespace

void add_server_options(CLI::App* cmd, ServerArgs& a) {
    cmd->add_option("--server", a.server, "The practice server's URL, e.g. https://practice.example:8443");
    cmd->add_option("--user", a.user, "Sign in as this user (else $CHAIRSYNC_USER)");
    cmd->add_flag("--pin-stdin", a.pin_stdin, "Read the PIN from the first line of standard input");
    cmd->add_option("--pin-fd", a.pin_fd, "Read the PIN from the first line of this file descriptor")
        ->check(CLI::NonNegativeNumber);
    // Accepted only to refuse it with a sentence: everyone can read the command line.
    cmd->add_option("--pin", a.refused_pin)->group("");
    cmd->add_option("--location", a.location, "This computer's location id (default: the store's setting)");
    cmd->add_option("--workstation", a.workstation, "This computer's name for the server and the audit log");
    cmd->add_option("--ca-file", a.ca_file, "Trust this CA certificate (PEM) for the server");
    cmd->add_flag("--insecure", a.insecure, "Allow plain http to a host that is not this computer");
}

void add_archive_options(CLI::App* cmd, ArchiveArgs& a) {
    cmd->add_option("--dicomweb", a.url,
                    "Send images to this DICOMweb image archive (its root, e.g. https://pacs.example/dicom-web) "
                    "instead of the practice server, which still records procedures and charges");
    cmd->add_option("--dicomweb-credentials", a.credentials_file,
                    "A file readable only by its owner holding user:password or Bearer TOKEN for the image archive");
    cmd->add_option("--dicomweb-ca-file", a.ca_file, "Trust this CA certificate (PEM) for the image archive");
    cmd->add_flag("--dicomweb-insecure", a.insecure, "Allow plain http to an image archive that is not this computer");
}

dicomweb::ArchiveSetting checked_archive_setting(const ArchiveArgs& a) {
    dicomweb::ArchiveSetting s{a.url, a.credentials_file, a.ca_file, a.insecure};
    if (!s.configured()) {
        if (!a.credentials_file.empty() || !a.ca_file.empty() || a.insecure)
            throw CliExit(kExitBadArgs, "--dicomweb-credentials, --dicomweb-ca-file and --dicomweb-insecure need "
                                        "the image archive's address: give --dicomweb URL too.");
        return s;
    }
    try {
        dicomweb::archive_config(s);
    } catch (const Error& e) {
        throw CliExit(kExitBadArgs, e.what(), e.detail());
    }
    return s;
}

std::unique_ptr<dicomweb::StowClient> archive_client(const ArchiveArgs& a) {
    const auto s = checked_archive_setting(a);
    if (!s.configured()) return nullptr;
    return std::make_unique<dicomweb::StowClient>(dicomweb::archive_config(s));
}

void add_choice_options(CLI::App* cmd, ChoiceArgs& a, bool with_match) {
    if (with_match) {
        cmd->add_option("--match", a.match, "The online patient id to sync to");
        cmd->add_flag("--accept-differences", a.accept_differences,
                      "Use the --match patient even though its name or date of birth differ (they are printed)");
    }
    cmd->add_option("--provider", a.provider,
                    "The provider id (default: the procedure type's default, if it is a charting provider here)");
    cmd->add_option("--charges", a.charges, "yes: post the procedure's fee; no: post a zero amount");
    cmd->add_option("--insurance", a.insurance, "yes|no: bill the patient's insurance");
}

bool yes_no(const std::string& value, const char* option) {
    if (value == "yes") return true;
    if (value == "no") return false;
    throw CliExit(kExitBadArgs, std::string(option) + " must be yes or no.");
}

void hold_lock_or_exit(OfflineStore& store) {
    try {
        store.hold_lock();
    } catch (const Error& e) {
        throw CliExit(kExitLockHeld, e.what(), e.detail());
    }
}

Connection connect(OfflineStore& store, const ServerArgs& a) {
    if (a.server.empty()) throw CliExit(kExitBadArgs, "Give the practice server's address with --server URL.");
    Connection c;
    c.location = a.location.empty() ? store.setting(kSettingLocationId).value_or("") : a.location;
    if (c.location.empty())
        throw CliExit(kExitBadArgs, "This computer has no location set: give --location ID.");
    api::ClientConfig cfg;
    cfg.base_url = a.server;
    cfg.location_id = c.location;
    cfg.workstation = env_or("CHAIRSYNC_WORKSTATION", a.workstation);
    if (cfg.workstation.empty()) cfg.workstation = store.workstation_id();
    cfg.ca_file = a.ca_file;
    cfg.insecure = a.insecure;
    c.client = std::make_unique<api::PracticeClient>(cfg);
    c.audit = std::make_unique<AuditLog>(store.db(), cfg.workstation);
    if (!a.refused_pin.empty())
        throw CliExit(kExitBadArgs,
                      "--pin is not accepted: every user of this computer can read the command line. Give the PIN "
                      "with --pin-stdin (e.g. from a password manager) or --pin-fd N.");
    if (a.pin_stdin && a.pin_fd >= 0) throw CliExit(kExitBadArgs, "Give the PIN with --pin-stdin or --pin-fd, not both.");
    std::string pin;
    if (a.pin_stdin) pin = read_pin(0, "standard input");
    else if (a.pin_fd >= 0) pin = read_pin(a.pin_fd, "file descriptor " + std::to_string(a.pin_fd));
    const std::string user = env_or("CHAIRSYNC_USER", a.user);
    pin = env_or("CHAIRSYNC_PIN", pin);
    const char* token = std::getenv("CHAIRSYNC_TOKEN");
    if ((user.empty() || pin.empty()) && token && *token) {
        // A script signed in already (POST /sessions). The server says whose
        // token it is, so the audit names that person, as a PIN sign-in does.
        c.client->use_token(token);
        try {
            c.audit->set_user(c.client->current_session().user_id);
        } catch (const api::ApiError& e) {
            c.audit->set_user(user.empty() ? "unknown (token refused)" : user);
            c.audit->record(AuditAction::sign_in, {}, std::string("token refused: ") + api::to_string(e.kind()));
            throw;
        }
        c.audit->record(AuditAction::sign_in, {}, "signed in with a token");
        return c;
    }
    if (user.empty() || pin.empty())
        throw CliExit(kExitSignIn,
                      "Sign in with --user NAME and the PIN on standard input with --pin-stdin (or $CHAIRSYNC_USER "
                      "and $CHAIRSYNC_PIN, or a token in $CHAIRSYNC_TOKEN).");
    sign_in_audited(*c.client, *c.audit, user, pin);
    // A sign-in that expires during a long sync is renewed once per call with
    // the PIN read above, kept in memory for the process's life: standard
    // input or the fd cannot be read twice, and it never goes on a command
    // line (docs/sync-workflow.md). The client repeats the call.
    c.client->set_reauth([client = c.client.get(), audit = c.audit.get(), user, pin] {
        sign_in_audited(*client, *audit, user, pin);
    });
    return c;
}

std::string read_pin(int fd, const std::string& from) {
    std::string pin;
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);  // byte by byte: nothing after the line is consumed
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            if (fd != 0) ::close(fd);
            throw CliExit(kExitBadArgs, "Could not read the PIN from " + from + ".", std::strerror(err));
        }
        if (n == 0 || c == '\n') break;
        if (pin.size() >= 1024) break;
        pin.push_back(c);
    }
    if (fd != 0) ::close(fd);
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (pin.empty()) throw CliExit(kExitSignIn, "No PIN was given on " + from + ".");
    return pin;
}

api::Patient checked_match(api::PracticeClient& client, AuditLog& audit, const std::string& online_id,
                           const OfflinePatient& offline, bool accept, const AuditIds& ids) {
    api::Patient p;
    try {
        p = client.patient(online_id);
    } catch (const api::ApiError& e) {
        if (e.kind() == api::ApiErrorKind::not_found) {
            audit.record(AuditAction::match_decision, ids, "command line: --match refused; no such online patient");
            throw CliExit(kExitNoMatch, "There is no online patient " + online_id + ".");
        }
        throw;
    }
    auto diff = api::compare_person(p, offline.first_name, offline.last_name, offline.birth_date);
    if (!diff.any()) return p;
    auto& out = accept ? std::cout : std::cerr;
    auto shown_date = [](const std::string& d) { return d.empty() ? std::string("(none)") : escape_invalid_utf8(d); };
    out << "The online patient " << online_id << " differs from the offline patient in "
        << api::differences_text(diff) << ":\n";
    if (diff.name)
        out << "  name           offline: " << escape_invalid_utf8(offline.first_name + " " + offline.last_name)
            << "\n                 online:  " << p.first_name << " " << p.last_name << "\n";
    if (diff.birth_date)
        out << "  date of birth  offline: " << shown_date(offline.birth_date)
            << "\n                 online:  " << shown_date(p.birth_date) << "\n";
    AuditIds with_online = ids;
    with_online.online_patient_id = online_id;
    if (!accept) {
        audit.record(AuditAction::match_decision, with_online,
                     std::string("command line: --match refused; differs in ") + api::differences_text(diff));
        throw CliExit(kExitDiffers, "Nothing was sent. If this is the right patient, run the command again with "
                                    "--accept-differences.");
    }
    audit.record(AuditAction::match_decision, with_online,
                 std::string("command line: differences accepted: ") + api::differences_text(diff));
    return p;
}

SyncChoice choice_for(api::PracticeClient& client, const std::string& location, const std::string& code,
                      const api::Patient& online, const ChoiceArgs& a, int64_t& fee_out) {
    OfferedOptions offered = load_offered_options(client, location);
    ProcedureOptions defaults;
    defaults.code = code;
    if (!offered.apply_defaults(defaults))
        throw CliExit(kExitError, "The practice server does not know the procedure " + code + " at " + location + ".");
    fee_out = defaults.fee_cents;
    SyncChoice c;
    c.online_patient_id = online.id;
    c.shown = {online.first_name, online.last_name, online.birth_date};
    c.apply_charges = yes_no(a.charges, "--charges");
    c.bill_insurance = yes_no(a.insurance, "--insurance");
    c.provider_id = a.provider.empty() ? defaults.provider_id : a.provider;
    if (!a.provider.empty() && !offered.offers(a.provider))
        throw CliExit(kExitBadArgs, "The provider " + a.provider + " may not be used at " + location +
                                        ": choose a charting provider of this location (" + offered.provider_list() + ").");
    if (c.provider_id.empty())
        throw CliExit(kExitBadArgs, "The procedure " + code + " has no default charting provider at " + location +
                                        ": give --provider (one of " + offered.provider_list() + ").");
    return c;
}

int run_with_exit_codes(const Globals& g, const std::function<int()>& body) {
    try {
        return body();
    } catch (const CliExit& e) {
        std::cerr << e.what() << "\n";
        if (g.verbose && !e.detail().empty()) std::cerr << "detail: " << e.detail() << "\n";
        return e.code();
    } catch (const api::ApiError& e) {
        std::cerr << e.what() << "\n";
        if (g.verbose && !e.detail().empty()) std::cerr << "detail: " << e.detail() << "\n";
        return code_for(e);
    }
}

}  // namespace cs::cli
