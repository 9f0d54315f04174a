# Installs the libraries an embedder links, their headers, and a CMake
# package config, so another project can
#   find_package(signoff CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE signoff::engine)  # or signoff::capi
# against `cmake --install <build> --prefix <prefix>`.
#
# Layout: lib/libsignoff_*.a, include/signoff/{compiler,stdlib,runtime}/...
# (so `#include "runtime/engine/engine.h"` works as in this tree, and C
# programs `#include "signoff.h"`), lib/cmake/signoff/.
#
# Included from the top-level CMakeLists.txt after every library target
# exists. The targets' include directories name the source tree; here they
# are split into build and install forms, so the phases' own CMakeLists.txt
# need not know about installation.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

set(SIGNOFF_INSTALL_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}/signoff")
set(SIGNOFF_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/signoff")

# Every library in the link closure of signoff_engine and signoff_capi,
# plus the directory (which embedders use for directory_member) and grants
# (offline verification of grant tokens, signoff::grants).
set(SIGNOFF_EXPORTED_LIBRARIES
  signoff_capi signoff_engine signoff_directory signoff_compiler
  signoff_driver signoff_interp signoff_eval signoff_ir signoff_check
  signoff_fmt signoff_parse signoff_base signoff_grammar signoff_stdlib
  signoff_grants signoff_crypto)
get_target_property(engine_links signoff_engine LINK_LIBRARIES)
if("signoff_jit" IN_LIST engine_links)
  set(SIGNOFF_HAVE_JIT 1)
  list(APPEND SIGNOFF_EXPORTED_LIBRARIES signoff_jit)
endif()

function(signoff_relocatable_includes target property)
  get_target_property(dirs ${target} ${property})
  if(NOT dirs)
    return()
  endif()
  set(out)
  foreach(dir IN LISTS dirs)
    if(dir MATCHES "^\\$<")
      list(APPEND out "${dir}")
    elseif(dir STREQUAL PROJECT_SOURCE_DIR)
      list(APPEND out "$<BUILD_INTERFACE:${dir}>"
                      "$<INSTALL_INTERFACE:${SIGNOFF_INSTALL_INCLUDEDIR}>")
    else()
      # Generated or third-party directories (the ANTLR parser): needed only
      # to build the library itself.
      list(APPEND out "$<BUILD_INTERFACE:${dir}>")
    endif()
  endforeach()
  set_property(TARGET ${target} PROPERTY ${property} "${out}")
endfunction()

foreach(target IN LISTS SIGNOFF_EXPORTED_LIBRARIES)
  signoff_relocatable_includes(${target} INTERFACE_INCLUDE_DIRECTORIES)
  signoff_relocatable_includes(${target} INTERFACE_SYSTEM_INCLUDE_DIRECTORIES)
  string(REGEX REPLACE "^signoff_" "" export_name "${target}")
  set_property(TARGET ${target} PROPERTY EXPORT_NAME ${export_name})
endforeach()

install(TARGETS ${SIGNOFF_EXPORTED_LIBRARIES}
  EXPORT signoffTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY compiler stdlib runtime
  DESTINATION "${SIGNOFF_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.h" PATTERN "*.def"
  # The parser's internals include the generated ANTLR headers, the JIT's
  # include LLVM's: only their interfaces are public.
  REGEX "compiler/parse/(parse_state|builder)\\.h$" EXCLUDE
  REGEX "compiler/jit/" EXCLUDE)
install(FILES compiler/jit/jit.h
  DESTINATION "${SIGNOFF_INSTALL_INCLUDEDIR}/compiler/jit")
install(EXPORT signoffTargets
  NAMESPACE signoff::
  DESTINATION "${SIGNOFF_INSTALL_CMAKEDIR}")

if(NOT SIGNOFF_HAVE_JIT)
  set(SIGNOFF_HAVE_JIT 0)
endif()
if(NOT LLVM_DIR)
  set(LLVM_DIR "")
endif()
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/signoffConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/signoffConfig.cmake"
  INSTALL_DESTINATION "${SIGNOFF_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/signoffConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/signoffConfig.cmake"
  "${PROJECT_BINARY_DIR}/signoffConfigVersion.cmake"
  DESTINATION "${SIGNOFF_INSTALL_CMAKEDIR}")
