#pragma once
// Sign-out after N minutes without a touch (docs/sync-workflow.md, "Privacy cover"): the UI
// thread tells it about every touch and asks once per frame whether the
// time is up. Pure (times are given), so tests need no clock.
namespace cs::kiosk {

class InactivityTimer {
public:
    explicit InactivityTimer(double limit_seconds) : limit_(limit_seconds) {}
    void touch(double now) { last_ = now; fired_ = false; }
    // True once when `limit` seconds passed since the last touch (or start);
    // then false until the next touch. A limit <= 0 never fires.
    bool expired(double now) {
        if (limit_ <= 0 || fired_ || now - last_ < limit_) return false;
        fired_ = true;
        return true;
    }

private:
    double limit_;
    double last_ = 0;
    bool fired_ = false;
};

}  // namespace cs::kiosk
