# The kiosk through its real window under Xvfb (run by ./dev test): a
# screenshot of the demo and scripts that tap and read what is on screen.
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN)
  set(_kiosk_out ${CMAKE_BINARY_DIR}/kiosk-test-output)
  file(MAKE_DIRECTORY ${_kiosk_out})
  set(_xvfb ${XVFB_RUN} -a -s "-screen 0 1920x1080x24")

  add_test(NAME kiosk_demo_screenshot
           COMMAND ${_xvfb} ${CMAKE_BINARY_DIR}/bin/chairsync --demo --config /nonexistent/config.json
                   --screenshot ${_kiosk_out}/demo-1280x800.png)
  add_test(NAME kiosk_demo_script
           COMMAND ${_xvfb} ${CMAKE_BINARY_DIR}/bin/chairsync --demo --config /nonexistent/config.json
                   --script ${CMAKE_CURRENT_LIST_DIR}/demo_patients.script)
  # A script that expects what is not there must fail, naming the line.
  add_test(NAME kiosk_script_failure_is_reported
           COMMAND ${_xvfb} ${CMAKE_BINARY_DIR}/bin/chairsync --demo --config /nonexistent/config.json
                   --script ${CMAKE_CURRENT_LIST_DIR}/expect_missing.script)
  set_tests_properties(kiosk_script_failure_is_reported PROPERTIES
                       PASS_REGULAR_EXPRESSION "script line 3: expected \"Nobody Here\" on screen")
  add_test(NAME kiosk_first_run  # no system, user or --config settings file
           COMMAND ${CMAKE_COMMAND} -E env CHAIRSYNC_SYSTEM_CONFIG=/nonexistent/system.json
                   XDG_CONFIG_HOME=/nonexistent/xdg ${_xvfb} ${CMAKE_BINARY_DIR}/bin/chairsync --config /nonexistent/config.json
                   --script ${CMAKE_CURRENT_LIST_DIR}/first_run.script)
  # A core would hold PINs, a live token and patient names: the kiosk turns them off.
  # It stays open on the setup screen (no settings, no demo folder to leave behind) until looked at.
  add_test(NAME kiosk_core_dumps_off
           COMMAND ${CMAKE_COMMAND} -E env CHAIRSYNC_SYSTEM_CONFIG=/nonexistent/system.json
                   XDG_CONFIG_HOME=/nonexistent/xdg ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/core_dumps_off.sh
                   ${CMAKE_BINARY_DIR}/bin/chairsync --config /nonexistent/config.json
                   --script ${CMAKE_CURRENT_LIST_DIR}/stay_open.script)
  set_tests_properties(kiosk_demo_screenshot kiosk_demo_script kiosk_script_failure_is_reported kiosk_first_run
                       kiosk_core_dumps_off PROPERTIES TIMEOUT 300 WORKING_DIRECTORY ${_kiosk_out}
                       RESOURCE_LOCK xvfb)  # one display at a time, as in tests/kiosk/screens
endif()
