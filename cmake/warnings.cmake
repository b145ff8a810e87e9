# Warning and sanitizer flags shared by every target (STYLE.md §10).
# Designated initialisers that leave members at their defaults are deliberate: no warning for them.
add_compile_options(-Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(VIGIL_WERROR)
  add_compile_options(-Werror)
endif()
if(VIGIL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Hardening for the privileged helper (and anything else that asks for it).
function(vigil_harden target)
  target_compile_options(${target} PRIVATE -fstack-protector-strong -fPIE)
  target_compile_definitions(${target} PRIVATE _FORTIFY_SOURCE=2)
  target_link_options(${target} PRIVATE -pie -Wl,-z,relro,-z,now)
endfunction()

# Debug sections compressed (zlib) in objects and binaries: a full `make test` (normal + ASan build)
# took 7.7 GB uncompressed, enough to fill a CI machine's disk; symbols and line tables stay complete.
add_compile_options($<$<COMPILE_LANGUAGE:C,CXX>:-gz>)
add_link_options(-gz)
