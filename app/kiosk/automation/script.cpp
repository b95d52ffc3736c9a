#include "app/kiosk/automation/script.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/util/error.h"

namespace cs::kiosk {

namespace {

constexpr float kOffScreen = -1e9f;
constexpr int kDragFrames = 8;

[[noreturn]] void bad(int line, const std::string& why) {
    throw Error("Line " + std::to_string(line) + " of the script: " + why, "script parse error");
}

// Splits a line into words; a double-quoted word may hold spaces and escapes.
std::vector<std::pair<std::string, bool>> words(const std::string& s, int line) {
    std::vector<std::pair<std::string, bool>> out;  // (word, was quoted)
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
            ++i;
            continue;
        }
        if (s[i] == '#') break;
        std::string w;
        if (s[i] == '"') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                char c = s[i++];
                if (c == '\\' && i < s.size()) {
                    w += s[i++];
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    w += c;
                }
            }
            if (!closed) bad(line, "a quote is not closed.");
            out.emplace_back(std::move(w), true);
        } else {
            while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') w += s[i++];
            out.emplace_back(std::move(w), false);
        }
    }
    return out;
}

double number(const std::string& w, int line) {
    double v = 0;
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || p != w.data() + w.size()) bad(line, "\"" + w + "\" is not a number.");
    return v;
}

}  // namespace

std::vector<ScriptStep> parse_script(const std::string& source) {
    std::vector<ScriptStep> steps;
    std::istringstream in(source);
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
        ++line;
        auto w = words(text, line);
        if (w.empty()) continue;
        ScriptStep s;
        s.line = line;
        const std::string& cmd = w[0].first;
        auto want = [&](size_t lo, size_t hi, const char* usage) {
            if (w.size() < lo || w.size() > hi) bad(line, std::string("use it as: ") + usage);
        };
        auto quoted = [&](const char* usage) {
            if (!w[1].second) bad(line, std::string("put the text in double quotes: ") + usage);
            if (w[1].first.empty()) bad(line, "the text is empty.");
            s.text = w[1].first;
        };
        if (cmd == "tap") {
            want(2, 2, "tap \"Label\"");
            s.op = ScriptStep::Op::tap;
            quoted("tap \"Label\"");
            s.timeout_s = ScriptRunner::kDefaultTimeout;
        } else if (cmd == "double-tap") {
            want(2, 3, "double-tap \"Label\" [milliseconds]");
            s.op = ScriptStep::Op::double_tap;
            quoted("double-tap \"Label\" [milliseconds]");
            s.timeout_s = ScriptRunner::kDefaultTimeout;
            s.gap_s = w.size() == 3 ? number(w[2].first, line) / 1000.0 : 0.0;
            if (s.gap_s < 0) bad(line, "the time between the taps cannot be negative.");
        } else if (cmd == "pause") {
            want(2, 2, "pause seconds");
            s.op = ScriptStep::Op::pause;
            s.timeout_s = number(w[1].first, line);
            if (s.timeout_s <= 0) bad(line, "the pause must be more than 0 seconds.");
        } else if (cmd == "type") {
            want(2, 2, "type \"text\"");
            s.op = ScriptStep::Op::type;
            quoted("type \"text\"");
        } else if (cmd == "drag" || cmd == "fling") {
            want(5, 5, (cmd + " x y dx dy").c_str());
            s.op = cmd == "drag" ? ScriptStep::Op::drag : ScriptStep::Op::fling;
            s.x = float(number(w[1].first, line));
            s.y = float(number(w[2].first, line));
            s.dx = float(number(w[3].first, line));
            s.dy = float(number(w[4].first, line));
        } else if (cmd == "wait-for" || cmd == "wait-file") {
            const std::string usage = cmd + (cmd == "wait-for" ? " \"text\" [seconds]" : " \"FILE\" [seconds]");
            want(2, 3, usage.c_str());
            s.op = cmd == "wait-for" ? ScriptStep::Op::wait_for : ScriptStep::Op::wait_file;
            quoted(usage.c_str());
            s.timeout_s = w.size() == 3 ? number(w[2].first, line) : ScriptRunner::kDefaultTimeout;
            if (s.timeout_s <= 0) bad(line, "the timeout must be more than 0 seconds.");
        } else if (cmd == "expect") {
            want(2, 2, "expect \"text\"");
            s.op = ScriptStep::Op::expect;
            quoted("expect \"text\"");
        } else if (cmd == "expect-gone") {
            want(2, 2, "expect-gone \"text\"");
            s.op = ScriptStep::Op::expect_gone;
            quoted("expect-gone \"text\"");
        } else if (cmd == "screenshot") {
            want(2, 2, "screenshot FILE");
            s.op = ScriptStep::Op::screenshot;
            s.text = w[1].first;
            s.timeout_s = ScriptRunner::kScreenshotSettle;
            if (s.text.empty()) bad(line, "the file name is empty.");
        } else {
            bad(line, "\"" + cmd + "\" is not a command (tap, double-tap, type, drag, fling, wait-for, wait-file, expect, "
                    "expect-gone, pause, screenshot).");
        }
        steps.push_back(std::move(s));
    }
    return steps;
}

std::vector<ScriptStep> load_script(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("The script " + file.string() + " cannot be read.", "open failed");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_script(ss.str());
}

void ScriptRunner::advance() {
    ++index_;
    phase_ = 0;
    step_started_ = -1;
    lifted_at_ = -1;
}

void ScriptRunner::fail(const ScriptStep& s, const std::string& why) {
    failed_ = true;
    message_ = "script line " + std::to_string(s.line) + ": " + why;
}

ScriptInput ScriptRunner::press_target(const ScriptEnv& env, const ScriptStep& s, bool timed_out, const char* verb) {
    auto r = env.find_target(s.text);
    if (!r) {
        if (timed_out) fail(s, "nothing labelled \"" + s.text + "\" to " + verb + " on screen.");
        return {};
    }
    held_ = ScriptInput{true, r->x + r->w / 2, r->y + r->h / 2, true, {}};
    phase_ = 1;
    return held_;
}

ScriptInput ScriptRunner::next_frame(const ScriptEnv& env) {
    ScriptInput in;
    if (done()) return in;
    const ScriptStep& s = steps_[index_];
    double now = env.now_seconds();
    if (step_started_ < 0) step_started_ = now;
    bool timed_out = now - step_started_ > s.timeout_s;

    switch (s.op) {
    case ScriptStep::Op::tap:
        if (phase_ == 0) return press_target(env, s, timed_out, "tap");
        if (phase_ == 1) {  // still pressed: a press lasts at least one whole frame
            phase_ = 2;
            return held_;
        }
        if (phase_ == 2) {  // lifted where it was pressed
            held_.down = false;
            phase_ = 3;
            return held_;
        }
        // The finger is gone: no hover left behind.
        advance();
        return ScriptInput{true, kOffScreen, kOffScreen, false, {}};

    case ScriptStep::Op::double_tap:
        // The second press is not aimed: it lands where the first did, on
        // whatever screen shows by then, as a finger tapping twice does.
        if (phase_ == 0) return press_target(env, s, timed_out, "double-tap");
        if (phase_ == 1 || phase_ == 3) {  // lifted
            held_.down = false;
            lifted_at_ = now;
            ++phase_;
            return held_;
        }
        if (phase_ == 2) {
            if (now - lifted_at_ < s.gap_s) return ScriptInput{true, kOffScreen, kOffScreen, false, {}};
            held_.down = true;
            phase_ = 3;
            return held_;
        }
        advance();
        return ScriptInput{true, kOffScreen, kOffScreen, false, {}};

    case ScriptStep::Op::pause:
        if (timed_out) advance();
        return in;

    case ScriptStep::Op::drag:
    case ScriptStep::Op::fling:
        if (phase_ <= kDragFrames) {
            float t = float(phase_) / kDragFrames;
            ++phase_;
            lifted_at_ = now;
            return ScriptInput{true, s.x + s.dx * t, s.y + s.dy * t, true, {}};
        }
        // A drag rests before it lifts, so a touch list stays where it was put; a fling lifts at once.
        if (phase_ == kDragFrames + 1 && s.op == ScriptStep::Op::drag && now - lifted_at_ < kDragRest)
            return ScriptInput{true, s.x + s.dx, s.y + s.dy, true, {}};
        if (phase_ == kDragFrames + 1) {
            ++phase_;
            return ScriptInput{true, s.x + s.dx, s.y + s.dy, false, {}};
        }
        advance();
        return ScriptInput{true, kOffScreen, kOffScreen, false, {}};

    case ScriptStep::Op::type:
        in.typed = s.text;
        advance();
        return in;

    case ScriptStep::Op::wait_for:
        if (env.text_visible(s.text))
            advance();
        else if (timed_out)
            fail(s, "\"" + s.text + "\" did not appear within " + std::to_string(int(s.timeout_s)) + " s.");
        return in;

    case ScriptStep::Op::wait_file:  // a wrapper's signal: no timing is guessed (tests/kiosk/screens)
        if (std::error_code ec; std::filesystem::exists(s.text, ec))
            advance();
        else if (timed_out)
            fail(s, "the file " + s.text + " did not appear within " + std::to_string(int(s.timeout_s)) + " s.");
        return in;

    case ScriptStep::Op::expect:
        if (env.text_visible(s.text))
            advance();
        else if (++phase_ >= kExpectFrames)
            fail(s, "expected \"" + s.text + "\" on screen, but it is not there.");
        return in;

    case ScriptStep::Op::expect_gone:  // absent for kExpectFrames frames in a row
        if (env.text_visible(s.text))
            fail(s, "\"" + s.text + "\" is still on screen, but it should be gone.");
        else if (++phase_ >= kExpectFrames)
            advance();
        return in;

    case ScriptStep::Op::screenshot:
        // The screen as a person sees it a moment later: thumbnails in, not their placeholders.
        if (env.settled && !env.settled() && !timed_out) return in;
        env.take_screenshot(s.text);
        advance();
        return in;
    }
    return in;
}

}  // namespace cs::kiosk
