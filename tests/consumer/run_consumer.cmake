# Configure, build and run one consumer project (see CMakeLists.txt next to this file).
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()

# Debug without -g: the consumer checks that the package configures, compiles, links and runs;
# unoptimized it compiles in a fraction of the Release time.
set(config_args -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0")
if(KIND STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install "${QCOACH_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} -S "${QCOACH_SOURCE_DIR}/tests/consumer/find_package" -B "${WORK_DIR}/build"
      ${config_args} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
else()
  run(${CMAKE_COMMAND} -S "${QCOACH_SOURCE_DIR}/tests/consumer/add_subdirectory" -B "${WORK_DIR}/build"
      ${config_args} "-DQCOACH_SOURCE_DIR=${QCOACH_SOURCE_DIR}")
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build" --parallel 2)
run("${WORK_DIR}/build/consumer")

# Header-only use defines nothing of qcoach's with ordinary linkage: every definition in the
# headers is inline or a template, or a second file including them would not link (the entry
# points of core/config.hpp are inline unless QCOACH_SEPARATE_COMPILATION is set). The consumer
# includes every header, so a strong qcoach symbol in its binary is such a definition.
find_program(NM_PROGRAM NAMES nm)
if(NM_PROGRAM)
  execute_process(COMMAND ${NM_PROGRAM} -C --defined-only "${WORK_DIR}/build/consumer"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE symbols ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed (${rc}): ${err}")
  endif()
  string(REGEX MATCHALL "[^\n]* [TDBR] qcoach::[^\n]*" strong "${symbols}")
  if(strong)
    list(JOIN strong "\n" strong)
    message(FATAL_ERROR "header-only qcoach defines symbols with ordinary linkage (an inline is missing):\n${strong}")
  endif()
endif()
