# The same tests again with every server on PostgreSQL (docs/server-backends.md):
# the fixture starts one throwaway cluster for the run (postgres_cluster.h).
# Tests about SQLite files themselves ([sqlite]) and those that start
# several servers on PostgreSQL anyway ([multi-server]) run once.
add_test(NAME server_postgresql COMMAND test_server "~[sqlite]~[multi-server]")
set_tests_properties(server_postgresql PROPERTIES TIMEOUT 900 ENVIRONMENT CHAIRSYNC_TEST_SERVER_DB=postgresql)
