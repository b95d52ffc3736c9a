#pragma once
// A core file of the kiosk, the CLI or the server holds what was in memory:
// PINs, live tokens, patient names. Each program turns core dumps off first
// thing in main() (docs/offline-store.md, "Privacy").

namespace cs {

// Sets RLIMIT_CORE to 0 (soft and hard, so no child can raise it again) and
// marks the process not dumpable (PR_SET_DUMPABLE 0: no core even if a
// limit is raised elsewhere, and other processes of the same user cannot
// ptrace it or read its memory through /proc). Throws cs::Error on failure.
void disable_core_dumps();

}  // namespace cs
