# The demo store against the demo practice's server, when the server library
# is part of this build.
if(TARGET cs_server)
  target_compile_definitions(test_demo PRIVATE CHAIRSYNC_TEST_WITH_SERVER=1)
endif()
