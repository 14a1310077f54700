# flashcut_image(): turn an executable target's ELF into flash images after every link.
#
#   include(path/to/flashcut.cmake)
#   flashcut_image(<target>
#     [FORMATS hex bin ...]        # output extensions (default: hex bin), written beside the ELF
#     [LINKER_SCRIPT <file>]       # windows from this script (default: the target's own -T script)
#     [STRICT]                     # fail the build on any finding (flashcut --strict)
#     [ARGS <argument>...])        # more flashcut options, e.g. --crc ...
#
# The command is FLASHCUT_COMMAND when set (a list, e.g. "node;${CMAKE_SOURCE_DIR}/tools/flashcut.cjs"),
# else the first found of: node_modules/.bin/flashcut (npm i -D flashcut), tools/flashcut.cjs run by
# node (the vendored file), flashcut on PATH (a global install or the standalone executable).
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "flashcut.cmake needs CMake 3.20 or newer (cmake_path), this is ${CMAKE_VERSION}")
endif()

# The linker script a target links with: the last -T, -Wl,-T or --script= in the link flags (CubeMX's
# toolchain file puts it in CMAKE_C_LINK_FLAGS) or its link options; relative to the source folder.
function(_flashcut_linker_script target out)
  get_target_property(options ${target} LINK_OPTIONS)
  if(NOT options)
    set(options "")
  endif()
  separate_arguments(flags UNIX_COMMAND "${CMAKE_C_LINK_FLAGS} ${CMAKE_CXX_LINK_FLAGS} ${CMAKE_EXE_LINKER_FLAGS}")
  set(script "")
  set(take_next FALSE)
  foreach(option IN LISTS flags options)
    if(take_next)
      set(script "${option}")
      set(take_next FALSE)
    elseif(option STREQUAL "-T" OR option STREQUAL "-Wl,-T")
      set(take_next TRUE)
    elseif(option MATCHES "^(-Wl,)?-T,?(.+)$" OR option MATCHES "^(-Wl,)?--script=(.+)$")
      set(script "${CMAKE_MATCH_2}")
    endif()
  endforeach()
  if(script STREQUAL "")
    message(FATAL_ERROR "flashcut_image(${target}): no -T linker script in the link flags or its LINK_OPTIONS: give LINKER_SCRIPT")
  endif()
  cmake_path(ABSOLUTE_PATH script BASE_DIRECTORY "${CMAKE_SOURCE_DIR}")
  set(${out} "${script}" PARENT_SCOPE)
endfunction()

function(_flashcut_command out)
  if(DEFINED FLASHCUT_COMMAND)
    set(${out} "${FLASHCUT_COMMAND}" PARENT_SCOPE)
    return()
  endif()
  find_program(FLASHCUT_NPM_BIN flashcut PATHS "${CMAKE_SOURCE_DIR}/node_modules/.bin" NO_DEFAULT_PATH)
  if(FLASHCUT_NPM_BIN)
    set(${out} "${FLASHCUT_NPM_BIN}" PARENT_SCOPE)
  elseif(EXISTS "${CMAKE_SOURCE_DIR}/tools/flashcut.cjs")
    find_program(FLASHCUT_NODE node REQUIRED)
    set(${out} "${FLASHCUT_NODE};${CMAKE_SOURCE_DIR}/tools/flashcut.cjs" PARENT_SCOPE)
  else()
    find_program(FLASHCUT_PROGRAM flashcut REQUIRED)
    set(${out} "${FLASHCUT_PROGRAM}" PARENT_SCOPE)
  endif()
endfunction()

function(flashcut_image target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "STRICT" "LINKER_SCRIPT" "FORMATS;ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "flashcut_image(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_FORMATS)
    set(arg_FORMATS hex bin)
  endif()
  if(arg_LINKER_SCRIPT)
    cmake_path(ABSOLUTE_PATH arg_LINKER_SCRIPT BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" OUTPUT_VARIABLE script)
  else()
    _flashcut_linker_script(${target} script)
  endif()
  _flashcut_command(command)
  set(options --ld "${script}")
  if(arg_STRICT)
    list(APPEND options --strict)
  endif()
  foreach(format IN LISTS arg_FORMATS)
    set(image "$<TARGET_FILE_DIR:${target}>/$<TARGET_FILE_BASE_NAME:${target}>.${format}")
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${command} "$<TARGET_FILE:${target}>" -o "${image}" ${options} ${arg_ARGS}
      COMMENT "flashcut: ${target} -> ${format}"
      VERBATIM)
  endforeach()
endfunction()
