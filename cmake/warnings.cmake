# Project-wide compile options: warnings as errors, optional sanitizers.
add_library(salon_options INTERFACE)
target_compile_options(salon_options INTERFACE -Wall -Wextra -Wpedantic -Werror)
target_include_directories(salon_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_definitions(salon_options INTERFACE SALON_VERSION="${PROJECT_VERSION}")
if(SALON_SANITIZE)
  # -fno-sanitize=null: CAF 0.17's init_fun_factory (a header we instantiate) binds a reference
  # to a null argument tuple when spawning a function actor without arguments; every other
  # UBSan check stays fatal.
  target_compile_options(salon_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize=null -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(salon_options INTERFACE -fsanitize=address,undefined)
endif()
