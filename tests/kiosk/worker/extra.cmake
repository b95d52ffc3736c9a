# The worker builds without ImGui (docs/architecture.md): a source in the
# worker's target that includes imgui.h must not compile. This builds one and
# expects the compiler to say it cannot find the header.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/worker_imgui_probe.cpp
     "#include <imgui.h>\nint worker_imgui_probe() { return IMGUI_VERSION_NUM; }\n")
add_library(worker_imgui_probe OBJECT EXCLUDE_FROM_ALL ${CMAKE_CURRENT_BINARY_DIR}/worker_imgui_probe.cpp)
target_link_libraries(worker_imgui_probe PRIVATE cs_kiosk_worker)
add_test(NAME kiosk_worker_has_no_imgui
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target worker_imgui_probe)
set_tests_properties(kiosk_worker_has_no_imgui PROPERTIES PASS_REGULAR_EXPRESSION "imgui\\.h: No such file")
