# SPDX-License-Identifier: GPL-2.0-only
function(project_enable_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow
                         -Wold-style-cast -Wnull-dereference)
  if(PROJECT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
