#include "engine/util/log_setup.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <string_view>

namespace cs {

namespace {

bool set(const char* var) {
    const char* v = std::getenv(var);
    return v && *v;
}

// "%J": the line's priority as sd-daemon(3) prefixes it, which the journal reads.
class JournalPriority final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        std::string_view p = "<6>";  // info, and anything unexpected
        switch (msg.level) {
            case spdlog::level::trace:
            case spdlog::level::debug: p = "<7>"; break;
            case spdlog::level::warn: p = "<4>"; break;
            case spdlog::level::err: p = "<3>"; break;
            case spdlog::level::critical: p = "<2>"; break;
            default: break;
        }
        dest.append(p.data(), p.data() + p.size());
    }
    std::unique_ptr<spdlog::custom_flag_formatter> clone() const override { return std::make_unique<JournalPriority>(); }
};

}  // namespace

bool run_by_systemd() { return set("INVOCATION_ID") || set("JOURNAL_STREAM"); }

void log_to_stderr(const std::string& name) {
    spdlog::drop(name);
    if (!run_by_systemd()) {
        spdlog::set_default_logger(spdlog::stderr_color_mt(name));
        return;
    }
    auto logger = spdlog::stderr_logger_mt(name);
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JournalPriority>('J').set_pattern("%J%v");
    logger->set_formatter(std::move(formatter));
    spdlog::set_default_logger(logger);
}

}  // namespace cs
