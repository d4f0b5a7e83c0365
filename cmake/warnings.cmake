# Project-wide compile options: warnings as errors, optional sanitizers.
add_library(salon_options INTERFACE)
target_compile_options(salon_options INTERFACE -Wall -Wextra -Wpedantic -Werror)
target_include_directories(salon_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_definitions(salon_options INTERFACE SALON_VERSION="${PROJECT_VERSION}")
if(SALON_SANITIZE)
  target_compile_options(salon_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(salon_options INTERFACE -fsanitize=address,undefined)
endif()
