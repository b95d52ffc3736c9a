// The kiosk's settings: a config.json read through engine/setup/settings (as
// app/kiosk/shell/config.h does) and the command line on top of it. The input is the file, then a NUL, then one argument a
// line. A damaged file gives a cs::Error from read_settings_file (and
// Config::settings_problem from parse_command_line), bad flags an exit code:
// never a crash or another exception.
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "app/kiosk/shell/config.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;
using namespace cs::kiosk;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // user_settings_path() is then <scratch>/chairsync/config.json; no system file.
    setenv("CHAIRSYNC_SYSTEM_CONFIG", (fuzz::scratch_dir() / "no-system-config.json").c_str(), 1);
    setenv("XDG_CONFIG_HOME", fuzz::scratch_dir().c_str(), 1);
    std::filesystem::create_directories(fuzz::scratch_dir() / "chairsync");
    static std::ostringstream sink;  // --help and CLI11's messages
    std::cout.rdbuf(sink.rdbuf());
    std::cerr.rdbuf(sink.rdbuf());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input = fuzz::as_text(data, size);
    const size_t nul = input.find('\0');
    const std::string_view file = input.substr(0, nul);
    const std::string_view flags = nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1);
    const std::filesystem::path path = user_settings_path();
    fuzz::write_bytes(path, {reinterpret_cast<const uint8_t*>(file.data()), file.size()});

    Config cfg;
    fuzz::refused_cleanly("read_settings_file", [&] { read_settings_file(path, cfg); });

    std::vector<std::string> args{"chairsync"};
    for (const std::string& a : fuzz::split_lines(flags, 16))
        if (!a.empty()) args.push_back(a);
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    fuzz::refused_cleanly("parse_command_line", [&] {
        const ParseResult r = parse_command_line(int(argv.size()), argv.data());
        if (!r.exit_code && (r.config.width < 320 || r.config.height < 240))
            fuzz::fail("parse_command_line accepted a window smaller than 320x240");
    });
    fuzz::refused_cleanly("parse_size", [&] { parse_size(std::string(flags)); });
    return 0;
}
