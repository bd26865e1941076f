# edgebench_add_plugin(<name> SOURCES <file>...): a backend plugin the
# edgebench loader finds (installed with edgebench's CMake package; see
# edgebench-config.cmake).
#
# Makes the MODULE target edgebench_backend_<name>, written as
# libedgebench_backend_<name>.so (the loader scans for exactly that name),
# linked with edgebench::sdk and built with hidden visibility, so its only
# dynamic symbol is the entry point the plugin marks EB_BACKEND_EXPORT. On
# Linux it links with --no-undefined: a plugin may need libc and its own
# libraries, never a symbol of the edgebench executable (the loader opens it
# RTLD_LOCAL and the executable exports nothing). Install it yourself, e.g.
#   install(TARGETS edgebench_backend_<name> LIBRARY DESTINATION ${EDGEBENCH_PLUGIN_DIR})
# <name> is the file's stem; the table's `name` is what scenarios use, and
# they should agree (the loader picks the file by stem when a cell asks for a
# backend).
function(edgebench_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 EBP "" "" "SOURCES")
  if(NOT name MATCHES "^[A-Za-z0-9_]+$")
    message(FATAL_ERROR "edgebench_add_plugin: '${name}' is not a backend name (letters, digits, _)")
  endif()
  if(NOT EBP_SOURCES OR EBP_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "edgebench_add_plugin(${name} SOURCES <file>...): "
                        "no sources, or arguments it does not know: ${EBP_UNPARSED_ARGUMENTS}")
  endif()
  set(target edgebench_backend_${name})
  add_library(${target} MODULE ${EBP_SOURCES})
  target_link_libraries(${target} PRIVATE edgebench::sdk)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib" OUTPUT_NAME edgebench_backend_${name} SUFFIX ".so"
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
endfunction()
