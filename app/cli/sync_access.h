#pragma once
// What the sync, recovery and audit commands share: the server options,
// signing in, the options of a procedure (charges, insurance, provider),
// and the exit codes (documented in --help and docs/sync-workflow.md).
#include <memory>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "engine/api/practice_client.h"
#include "engine/dicomweb/archive_setting.h"
#include "engine/store/offline_store.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/sync_pipeline.h"

namespace CLI {
class App;
}

namespace cs::cli {

enum ExitCode {
    kExitOk = 0,          // everything asked for is done (all synced, or nothing was left)
    kExitError = 1,       // any other problem (message on stderr)
    kExitBadArgs = 2,     // missing or wrong arguments
    kExitNoMatch = 3,     // no online patient matches (or --match names nobody)
    kExitAmbiguous = 4,   // several online patients match: choose one with --match
    kExitLockHeld = 5,    // offline imaging has the store open
    kExitUnreachable = 6, // the practice server did not answer
    kExitFailed = 7,      // some procedure failed to sync (see status)
    kExitSignIn = 8,      // sign-in refused or missing
    kExitDiffers = 9,     // --match names a patient whose name or birth date differ: --accept-differences
};

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 all synced (or nothing left to sync); 1 other error; 2 bad arguments; 3 no matching online patient; "
    "4 ambiguous match (use --match); 5 offline imaging has the store open; 6 server unreachable; "
    "7 some procedure failed; 8 sign-in refused; 9 the online patient's name or date of birth differ "
    "(use --accept-differences).";

// An error with its exit code.
class CliExit : public Error {
public:
    CliExit(int code, std::string message, std::string detail = {}) : Error(std::move(message), std::move(detail)), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

struct ServerArgs {
    std::string server, user, location, ca_file, workstation;
    std::string refused_pin;  // a --pin given anyway: refused with a sentence
    bool pin_stdin = false;
    int pin_fd = -1;
    bool insecure = false;
};
void add_server_options(CLI::App* cmd, ServerArgs& a);

// Where images go when the practice keeps them in a DICOMweb image archive
// (docs/dicomweb.md, "Configuration"); without --dicomweb, to the practice server.
struct ArchiveArgs {
    std::string url, credentials_file, ca_file;
    bool insecure = false;
};
void add_archive_options(CLI::App* cmd, ArchiveArgs& a);
// The setting as given, checked (the credentials file read, its permissions
// too), or CliExit(kExitBadArgs) with the sentence.
dicomweb::ArchiveSetting checked_archive_setting(const ArchiveArgs& a);
// The archive's client when --dicomweb is given, else nullptr; CliExit(kExitBadArgs) for a bad setting.
std::unique_ptr<dicomweb::StowClient> archive_client(const ArchiveArgs& a);

struct ChoiceArgs {
    std::string match, provider, charges, insurance;
    bool accept_differences = false;
};
// --match, --provider, --charges, --insurance (--match and --accept-differences
// are added when with_match).
void add_choice_options(CLI::App* cmd, ChoiceArgs& a, bool with_match);

struct Connection {
    std::unique_ptr<api::PracticeClient> client;
    std::unique_ptr<AuditLog> audit;
    std::string location;
};
// Builds the client for `store` and signs in: --user (else $CHAIRSYNC_USER)
// with the PIN read from --pin-stdin or --pin-fd N (else $CHAIRSYNC_PIN),
// never from the command line, which every user can read in /proc; or with
// $CHAIRSYNC_TOKEN. Throws CliExit.
Connection connect(OfflineStore& store, const ServerArgs& a);

// The first line of what `fd` holds (at most 1 KB, without its line end);
// closes fd unless it is standard input. Throws CliExit when it is empty or
// cannot be read. `from` names the source in messages.
std::string read_pin(int fd, const std::string& from);

// Holds the offline-mode lock or throws CliExit(kExitLockHeld).
void hold_lock_or_exit(OfflineStore& store);

// --match ONLINE_ID read from the server (CliExit kExitNoMatch when nobody).
// When its name or date of birth differ from `offline`'s (docs/name-matching.md),
// the differences are printed, and without `accept` it is refused with
// kExitDiffers. Refusals and accepted differences are audited.
api::Patient checked_match(api::PracticeClient& client, AuditLog& audit, const std::string& online_id,
                           const OfflinePatient& offline, bool accept, const AuditIds& ids);

// yes|no → bool, or CliExit(kExitBadArgs) naming the option.
bool yes_no(const std::string& value, const char* option);

// The choice for one procedure, to `online` as the command showed it: the
// provider is --provider (if offered here) or the type's default when it is a
// charting provider at the location.
SyncChoice choice_for(api::PracticeClient& client, const std::string& location, const std::string& code,
                      const api::Patient& online, const ChoiceArgs& a, int64_t& fee_out);

// Runs a command body, mapping CliExit / ApiError / the lock message to exit codes.
int run_with_exit_codes(const Globals& g, const std::function<int()>& body);

}  // namespace cs::cli
