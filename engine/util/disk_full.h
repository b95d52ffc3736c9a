#pragma once
// A write refused for lack of space (ENOSPC, EDQUOT, SQLITE_FULL). Its own
// type so that a server can tell its clients so (docs/practice-api.md, 507);
// everyone else reads it as the cs::Error it is.
#include "engine/util/error.h"

namespace cs {

class DiskFullError : public Error {
public:
    using Error::Error;
};

}  // namespace cs
