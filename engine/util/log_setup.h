#pragma once
// Where a program's log goes: standard error, read by a person in a terminal
// or by the journal when systemd runs the program (docs/packaging.md, "Logs").
#include <string>

namespace cs {

// True when systemd started this process as a service: it sets INVOCATION_ID,
// and JOURNAL_STREAM when standard error is the journal.
bool run_by_systemd();

// Makes spdlog's default logger, named `name`, write to standard error. Run by
// systemd, each line is its syslog priority ("<4>" for a warning, which the
// journal turns into the entry's priority) and the message: no time, since the
// journal stamps every entry, and no colour. Otherwise: time, level, message.
void log_to_stderr(const std::string& name);

}  // namespace cs
