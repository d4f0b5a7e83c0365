# Project-wide compile options: warnings as errors, optional sanitizers.
add_library(salon_options INTERFACE)
target_compile_options(salon_options INTERFACE -Wall -Wextra -Wpedantic -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 at -O2/-O3 reports -Wrestrict inside libstdc++'s `"literal" + std::string` (GCC bug
  # 105329) and -Wmaybe-uninitialized on std::optional (bug 80635). They stay
  # visible as warnings but must not fail the Release build of a correct program.
  target_compile_options(salon_options INTERFACE
    -Wno-error=restrict -Wno-error=maybe-uninitialized)
endif()
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
