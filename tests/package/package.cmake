# The Debian packages (docs/packaging.md): packed from this build tree by
# cpack (which builds nothing), installed into a scratch root, checked,
# removed and purged. Skipped, saying why, where dpkg-deb is missing.
add_test(NAME package_install COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install_test.sh --build ${CMAKE_BINARY_DIR})
set_tests_properties(package_install PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
