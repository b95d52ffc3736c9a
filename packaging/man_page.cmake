# Install-time step of cs_man_page (packaging/CMakeLists.txt): the man page of
# CS_MAN_PROGRAM, already installed in bin/, made from its --help by help2man
# and gzipped into share/man/man1. HOME is "~" so the default paths the help
# prints read as they would for any user, not as this build machine's.
if(NOT CS_HELP2MAN)
  message(FATAL_ERROR "help2man is missing; it makes the man pages (./dev package installs it).")
endif()
set(_root "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
set(_page "${_root}/share/man/man1/${CS_MAN_PROGRAM}.1")
file(MAKE_DIRECTORY "${_root}/share/man/man1")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "PATH=${_root}/bin:$ENV{PATH}" "HOME=~" --unset=XDG_CONFIG_HOME
          --unset=XDG_DATA_HOME
          ${CS_HELP2MAN} --no-info --no-discard-stderr "--version-string=${CS_MAN_VERSION}"
          "--include=${CS_MAN_INCLUDE}" "--output=${_page}" ${CS_MAN_PROGRAM}
  COMMAND_ERROR_IS_FATAL ANY)
file(REMOVE "${_page}.gz")
execute_process(COMMAND gzip -9n "${_page}" COMMAND_ERROR_IS_FATAL ANY)
