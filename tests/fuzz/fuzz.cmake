# Short runs of every libFuzzer harness so that none can rot (docs/fuzzing.md):
# fuzz_build makes them with clang in build-fuzz/ (the folder ./dev fuzz uses,
# so that one build and its ccache entries serve both), then each fuzz_<harness>
# runs a few seconds from its seeds and fails on any finding. Skipped (not
# failed) when clang's libFuzzer is not installed: ./dev test installs it.
set(CS_FUZZ_SECONDS 4 CACHE STRING "seconds each harness fuzzes during ctest")
find_program(CS_CLANGXX clang++)
find_file(CS_LIBFUZZER libclang_rt.fuzzer-x86_64.a PATHS /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux
          /usr/lib/llvm-14/lib/clang/14/lib/linux NO_DEFAULT_PATH)
set(_cs_fuzz ${CMAKE_CURRENT_LIST_DIR}/fuzz.sh)
set(_cs_fuzz_dir ${CMAKE_SOURCE_DIR}/build-fuzz)
if(CS_CLANGXX AND CS_LIBFUZZER)
  add_test(NAME fuzz_build COMMAND bash ${_cs_fuzz} --build ${_cs_fuzz_dir} build)
  set_tests_properties(fuzz_build PROPERTIES FIXTURES_SETUP cs_fuzz TIMEOUT 900)
  file(GLOB _cs_harnesses CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fuzz_*.cpp)
  foreach(src ${_cs_harnesses})
    get_filename_component(h ${src} NAME_WE)
    string(REGEX REPLACE "^fuzz_" "" h ${h})
    if(h STREQUAL "support")
      continue()
    endif()
    add_test(NAME fuzz_${h} COMMAND bash ${_cs_fuzz} --build ${_cs_fuzz_dir} run --smoke --no-build
             --seconds ${CS_FUZZ_SECONDS} ${h})
    set_tests_properties(fuzz_${h} PROPERTIES FIXTURES_REQUIRED cs_fuzz TIMEOUT 300
                         ENVIRONMENT "CHAIRSYNC_SHARED=${CMAKE_SOURCE_DIR}/../shared")
  endforeach()
else()
  message(STATUS "clang++ or its libFuzzer runtime is missing: the fuzz_* tests are left out (./dev test installs them)")
endif()
