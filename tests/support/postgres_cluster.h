#pragma once
// The throwaway PostgreSQL lives in loopback/postgres_cluster.h (the backends bench starts it too).
#include "loopback/postgres_cluster.h"

namespace cs::test {
using loopback::postgres_value;
using loopback::PostgresCluster;
}  // namespace cs::test
