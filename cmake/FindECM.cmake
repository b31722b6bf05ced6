# GMP-ECM (Debian libecm-dev) has neither pkg-config nor CMake files.
# Defines ECM::ecm and ECM_VERSION.
find_path(ECM_INCLUDE_DIR ecm.h)
find_library(ECM_LIBRARY ecm)
if(ECM_INCLUDE_DIR)
  file(STRINGS "${ECM_INCLUDE_DIR}/ecm.h" _ecm_version_line REGEX "^#define ECM_VERSION ")
  string(REGEX REPLACE ".*\"([0-9.]+)\".*" "\\1" ECM_VERSION "${_ecm_version_line}")
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(ECM
  REQUIRED_VARS ECM_LIBRARY ECM_INCLUDE_DIR VERSION_VAR ECM_VERSION)
if(ECM_FOUND AND NOT TARGET ECM::ecm)
  add_library(ECM::ecm UNKNOWN IMPORTED)
  set_target_properties(ECM::ecm PROPERTIES
    IMPORTED_LOCATION "${ECM_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${ECM_INCLUDE_DIR}")
endif()
mark_as_advanced(ECM_INCLUDE_DIR ECM_LIBRARY)
