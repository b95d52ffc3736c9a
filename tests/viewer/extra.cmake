# Preview and the recovery folder through the real window under Xvfb at
# 1280x800 (run by ./dev test). The recovery script starts from a demo store
# with one hidden procedure, made by make_recovery_fixture.
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN AND TARGET chairsync AND TARGET cs_kiosk)
  add_executable(make_recovery_fixture ${CMAKE_CURRENT_LIST_DIR}/fixtures/make_recovery_fixture.cpp)
  target_link_libraries(make_recovery_fixture PRIVATE cs_kiosk)
  target_include_directories(make_recovery_fixture PRIVATE ${CMAKE_SOURCE_DIR})
  set_target_properties(make_recovery_fixture PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

  set(_viewer_out ${CMAKE_BINARY_DIR}/viewer-test-output)
  file(MAKE_DIRECTORY ${_viewer_out})
  set(_xvfb ${XVFB_RUN} -a -s "-screen 0 1280x800x24")
  set(_kiosk ${CMAKE_BINARY_DIR}/bin/chairsync --config /nonexistent/config.json --demo)

  add_test(NAME kiosk_preview_script
           COMMAND ${_xvfb} ${_kiosk} --script ${CMAKE_CURRENT_LIST_DIR}/preview.script)
  add_test(NAME kiosk_recovery_script
           COMMAND sh -c "\"$0\" \"$1\" && shift && exec \"$@\""
                   ${CMAKE_BINARY_DIR}/bin/make_recovery_fixture ${_viewer_out}/recovery-fixture
                   ${_xvfb} ${_kiosk} --store ${_viewer_out}/recovery-fixture/store
                   --script ${CMAKE_CURRENT_LIST_DIR}/recovery.script)
  set_tests_properties(kiosk_preview_script kiosk_recovery_script PROPERTIES
                       TIMEOUT 400 WORKING_DIRECTORY ${_viewer_out})
endif()
