# The screens' logic drawn headless, with the widgets' test harness
# (tests/widgets/harness.h).
target_sources(test_kiosk_screens PRIVATE ${CMAKE_SOURCE_DIR}/tests/widgets/harness.cpp)

# The workflow through the real kiosk window under Xvfb at 1280x800, one demo
# branch per script (docs/demo-practice.md). Each starts a fresh demo
# workspace. `xvfb-run -a` picks a free display by looking for lock files, so
# two runs starting at once can pick the same one: they take turns (RESOURCE_LOCK).
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN)
  set(_screens_out ${CMAKE_BINARY_DIR}/screens-test-output)
  file(MAKE_DIRECTORY ${_screens_out})
  set(_xvfb ${XVFB_RUN} -a -s "-screen 0 1280x800x24")
  set(_kiosk ${CMAKE_BINARY_DIR}/bin/chairsync --demo --config /nonexistent/config.json)
  set(_screens_tests)
  foreach(name exact_match twins edit_search failure_hide remind_sign_in double_tap patient_back)
    add_test(NAME screens_${name}
             COMMAND ${_xvfb} ${_kiosk} --script ${CMAKE_CURRENT_LIST_DIR}/${name}.script)
    list(APPEND _screens_tests screens_${name})
  endforeach()
  # A slow network (docs/touch.md): the second tap of a double tap reaches the same screen again.
  add_test(NAME screens_double_tap_slow
           COMMAND ${_xvfb} ${_kiosk} --demo-server-delay 0.6 --script ${CMAKE_CURRENT_LIST_DIR}/double_tap_slow.script)
  list(APPEND _screens_tests screens_double_tap_slow)
  # Gate mode: the online patient the user came from, and an acquisition program that starts.
  add_test(NAME screens_gate
           COMMAND ${_xvfb} ${_kiosk} --patient p-1001 --proceed-command "/bin/true {patient_id}"
                   --script ${CMAKE_CURRENT_LIST_DIR}/gate.script)
  list(APPEND _screens_tests screens_gate)
  # --pacs: a real Orthanc beside the demo's server; Home says images go there.
  add_test(NAME screens_home_pacs
           COMMAND ${_xvfb} ${_kiosk} --pacs --script ${CMAKE_CURRENT_LIST_DIR}/home_pacs.script)
  # An archive set in the settings file, or by --dicomweb: Home names its host.
  add_test(NAME screens_home_archive_file
           COMMAND ${_xvfb} ${CMAKE_BINARY_DIR}/bin/chairsync --demo
                   --config ${CMAKE_CURRENT_LIST_DIR}/fixtures/archive-config.json
                   --script ${CMAKE_CURRENT_LIST_DIR}/home_archive.script)
  add_test(NAME screens_home_archive_flag
           COMMAND ${_xvfb} ${_kiosk} --dicomweb https://pacs.example:8443/dicom-web
                   --script ${CMAKE_CURRENT_LIST_DIR}/home_archive.script)
  # --pacs, synced: the wrapper asks the demo's Orthanc for Maria's studies.
  add_test(NAME screens_pacs_sync
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_demo_pacs.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/pacs_sync.script)
  list(APPEND _screens_tests screens_home_pacs screens_home_archive_file screens_home_archive_flag screens_pacs_sync)
  # 60 offline patients: the Patient list's search.
  add_test(NAME screens_many_patients
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_many_patients.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/many_patients.script)
  list(APPEND _screens_tests screens_many_patients)
  add_test(NAME screens_inactivity
           COMMAND ${_xvfb} ${_kiosk} --signout-minutes 0.25 --script ${CMAKE_CURRENT_LIST_DIR}/inactivity.script)
  list(APPEND _screens_tests screens_inactivity)
  add_test(NAME screens_offline_open
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_offline_mode.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/offline_open.script)
  list(APPEND _screens_tests screens_offline_open)
  # The privacy cover during a sync, and the outcome at the next sign-in (docs/sync-workflow.md).
  add_test(NAME screens_privacy_cover
           COMMAND ${_xvfb} ${_kiosk} --signout-minutes 0.25 --demo-server-delay 2
                   --script ${CMAKE_CURRENT_LIST_DIR}/privacy_cover.script)
  # The server down from the start: the local screens by the PIN kept here, audited.
  add_test(NAME screens_offline_sign_in
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_server_down.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/offline_sign_in.script)
  # The server status: offline right after a failure, online again in the background.
  add_test(NAME screens_server_status
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_server_faults.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/server_status.script)
  list(APPEND _screens_tests screens_privacy_cover screens_offline_sign_in screens_server_status)
  set_tests_properties(${_screens_tests} PROPERTIES TIMEOUT 300 WORKING_DIRECTORY ${_screens_out}
                       RESOURCE_LOCK xvfb)

  # Preview and the recovery folder. The recovery script starts from a demo
  # store with one hidden procedure, made by make_recovery_fixture.
  add_executable(make_recovery_fixture ${CMAKE_CURRENT_LIST_DIR}/fixtures/make_recovery_fixture.cpp)
  target_link_libraries(make_recovery_fixture PRIVATE cs_engine)
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
  # Long lists (issue 13): Noah Patel with 14 procedures, one failing out of sight.
  add_test(NAME screens_long_lists
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_long_sync.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/long_lists.script)
  set_tests_properties(screens_long_lists PROPERTIES TIMEOUT 400 WORKING_DIRECTORY ${_viewer_out} RESOURCE_LOCK xvfb)
  set_tests_properties(kiosk_preview_script kiosk_recovery_script PROPERTIES
                       TIMEOUT 400 WORKING_DIRECTORY ${_viewer_out} RESOURCE_LOCK xvfb)
  # Radiograph thumbnails are one-channel textures drawn gray by a swizzle
  # (docs/performance.md, round five): the preview script's screenshot of
  # Noah Patel's radiographs must not come out red.
  add_executable(check_no_red ${CMAKE_CURRENT_LIST_DIR}/fixtures/check_no_red.cpp)
  target_link_libraries(check_no_red PRIVATE cs_engine)
  set_target_properties(check_no_red PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  add_test(NAME kiosk_preview_thumbnails_gray
           COMMAND ${CMAKE_BINARY_DIR}/bin/check_no_red ${_viewer_out}/preview-radiograph-thumbnails.png)
  set_tests_properties(kiosk_preview_script PROPERTIES FIXTURES_SETUP preview_screenshots)
  set_tests_properties(kiosk_preview_thumbnails_gray PROPERTIES FIXTURES_REQUIRED preview_screenshots)

  # First-run setup against a real practice-server (docs/setup.md): the settings written, or none
  # when the server does not answer.
  add_test(NAME screens_setup
           COMMAND ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_setup_server.sh ${CMAKE_BINARY_DIR}/bin
                   ${CMAKE_CURRENT_LIST_DIR}/setup.script)
  add_test(NAME screens_setup_unreachable
           COMMAND ${CMAKE_COMMAND} -E env SETUP_MODE=down ${_xvfb} sh ${CMAKE_CURRENT_LIST_DIR}/with_setup_server.sh
                   ${CMAKE_BINARY_DIR}/bin ${CMAKE_CURRENT_LIST_DIR}/setup_unreachable.script)
  # A damaged settings file: setup opens and says so (the script saves nothing: the file stays).
  add_test(NAME screens_damaged_settings
           COMMAND ${CMAKE_COMMAND} -E env CHAIRSYNC_SYSTEM_CONFIG=${CMAKE_CURRENT_LIST_DIR}/fixtures/damaged-config.json
                   XDG_CONFIG_HOME=/nonexistent/xdg ${_xvfb} ${CMAKE_BINARY_DIR}/bin/chairsync
                   --config /nonexistent/config.json --script ${CMAKE_CURRENT_LIST_DIR}/damaged_settings.script)
  set_tests_properties(screens_setup screens_setup_unreachable screens_damaged_settings PROPERTIES
                       TIMEOUT 300 WORKING_DIRECTORY ${_viewer_out} RESOURCE_LOCK xvfb)
endif()
