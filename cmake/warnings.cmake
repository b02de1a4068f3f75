# Compiler warnings and sanitizers, applied to every LocalVoice target through lv_target_defaults().
add_library(lv_compile_options INTERFACE)
target_compile_options(lv_compile_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                                    -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(LV_WERROR)
  target_compile_options(lv_compile_options INTERFACE -Werror)
endif()
if(LV_SANITIZE)
  target_compile_options(lv_compile_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                      -fno-sanitize-recover=undefined)
  target_link_options(lv_compile_options INTERFACE -fsanitize=address,undefined)
endif()

function(lv_target_defaults target)
  target_link_libraries(${target} PRIVATE lv_compile_options)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()
