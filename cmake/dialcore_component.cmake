# dialcore_component(NAME FOLDER [DEPS ...] [THIRD_PARTY ...] [SOURCES ...])
#
# One CMake library per folder. The dependency rule of ARCHITECTURE.md is enforced here:
# a component sees exactly its own headers and those of the components it links, because
# each component publishes its folder through a private staging directory
# (build/inc/<name>/<folder> -> <source>/<folder>) instead of through the repository root.
# Including a header of a component that is not a declared edge fails to compile
# ("No such file or directory"). Relative includes ("../x.hpp") and third-party headers on
# the default include path can slip past; tools/check_includes catches those.
#
# The allowed edges live in ONE table: DIALCORE_ALLOWED_<name>. A component that lists a
# dependency outside its row fails at configure time, so the table and the targets cannot drift.
function(dialcore_component name)
  cmake_parse_arguments(C "" "FOLDER" "DEPS;THIRD_PARTY;SOURCES" ${ARGN})
  set(target dialcore_${name})
  foreach(dep IN LISTS C_DEPS)
    if(NOT dep IN_LIST DIALCORE_ALLOWED_${name})
      message(FATAL_ERROR "component '${name}' may not depend on '${dep}' "
                          "(allowed: ${DIALCORE_ALLOWED_${name}}); see ARCHITECTURE.md")
    endif()
  endforeach()

  set(stage ${CMAKE_BINARY_DIR}/inc/${name})
  get_filename_component(parent "${stage}/${C_FOLDER}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  if(NOT EXISTS "${stage}/${C_FOLDER}")
    file(CREATE_LINK "${CMAKE_SOURCE_DIR}/${C_FOLDER}" "${stage}/${C_FOLDER}" SYMBOLIC)
  endif()

  list(TRANSFORM C_DEPS PREPEND dialcore_ OUTPUT_VARIABLE dep_targets)
  if(C_SOURCES)
    add_library(${target} STATIC ${C_SOURCES})
    target_include_directories(${target} PUBLIC ${stage})
    target_link_libraries(${target} PUBLIC ${dep_targets} PRIVATE ${C_THIRD_PARTY} dialcore_flags)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${stage})
    target_link_libraries(${target} INTERFACE ${dep_targets} ${C_THIRD_PARTY})
  endif()
endfunction()
