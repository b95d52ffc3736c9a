#pragma once
// One error type for everything a person may have to read: what() is a
// sentence for the person at the chair; detail() is for the log.
#include <stdexcept>
#include <string>

namespace cs {

class Error : public std::runtime_error {
public:
    explicit Error(std::string user_message, std::string detail = {})
        : std::runtime_error(std::move(user_message)), detail_(std::move(detail)) {}
    const std::string& detail() const noexcept { return detail_; }

private:
    std::string detail_;
};

// Turns an errno from a file operation into a sentence; ENOSPC and EROFS get
// words a person can act on.
[[noreturn]] void throw_io_error(const std::string& what, const std::string& path, int err);

}  // namespace cs
