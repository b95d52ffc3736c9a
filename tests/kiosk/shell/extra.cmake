# The GL parts of the shell need a display: the hidden [gl] tests under Xvfb.
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN)
  # -noreset: each test opens and closes its own window; an X server resets
  # when its last client leaves, and a window opened during the reset fails.
  add_test(NAME kiosk_shell_gl
           COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24 -noreset" $<TARGET_FILE:test_kiosk_shell> "[gl]")
  set_tests_properties(kiosk_shell_gl PROPERTIES TIMEOUT 300 RESOURCE_LOCK xvfb)
endif()
