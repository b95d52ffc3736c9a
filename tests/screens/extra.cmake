# The workflow through the real kiosk window under Xvfb, one demo branch per
# script (docs/demo-practice.md). Each starts a fresh demo workspace.
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN AND TARGET chairsync)
  set(_screens_out ${CMAKE_BINARY_DIR}/screens-test-output)
  file(MAKE_DIRECTORY ${_screens_out})
  set(_xvfb ${XVFB_RUN} -a -s "-screen 0 1280x800x24")
  set(_kiosk ${CMAKE_BINARY_DIR}/bin/chairsync --demo --config /nonexistent/config.json)
  set(_screens_tests)
  foreach(name exact_match twins edit_search failure_hide remind_sign_in double_tap)
    add_test(NAME screens_${name}
             COMMAND ${_xvfb} ${_kiosk} --script ${CMAKE_CURRENT_LIST_DIR}/${name}.script)
    list(APPEND _screens_tests screens_${name})
  endforeach()
  # A slow network (docs/touch.md): the second tap of a double tap reaches the same screen again.
  add_test(NAME screens_double_tap_slow
           COMMAND ${_xvfb} ${_kiosk} --demo-server-delay 0.6 --script ${CMAKE_CURRENT_LIST_DIR}/double_tap_slow.script)
  list(APPEND _screens_tests screens_double_tap_slow)
  add_test(NAME screens_inactivity
           COMMAND ${_xvfb} ${_kiosk} --signout-minutes 0.25 --script ${CMAKE_CURRENT_LIST_DIR}/inactivity.script)
  list(APPEND _screens_tests screens_inactivity)
  if(TARGET chairsync-cli)
    add_test(NAME screens_offline_open
             COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_offline_mode.sh ${CMAKE_BINARY_DIR}/bin
                     ${CMAKE_CURRENT_LIST_DIR}/offline_open.script)
    list(APPEND _screens_tests screens_offline_open)
  endif()
  set_tests_properties(${_screens_tests} PROPERTIES TIMEOUT 300 WORKING_DIRECTORY ${_screens_out})
endif()
