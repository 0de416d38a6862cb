# SPDX-License-Identifier: GPL-2.0-only
# ASan + UBSan for CTWATCH_SANITIZE=ON builds; every target in the tree gets
# them so that the static libraries and the tests agree.
if(CTWATCH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
