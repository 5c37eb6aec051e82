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
