# Read by cpack before it builds a package (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "DEB")
  # CPackDeb finds the shared-library dependencies with dpkg-shlibdeps and recognises the
  # executables with file; without them it only prints a message and writes a package that
  # depends on no library at all. Refuse instead.
  find_program(AGENTQ_DPKG_SHLIBDEPS dpkg-shlibdeps)
  find_program(AGENTQ_FILE file)
  if(NOT AGENTQ_DPKG_SHLIBDEPS OR NOT AGENTQ_FILE)
    message(FATAL_ERROR "cpack: the .deb's library dependencies need dpkg-shlibdeps (dpkg-dev) and "
                        "file; scripts/setup.sh installs both")
  endif()
endif()
