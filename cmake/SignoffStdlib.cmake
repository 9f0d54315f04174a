# Embeds stdlib/std/*.signoff modules into the binary as string constants so
# `import "std/..."` never depends on where the program is installed.
function(signoff_embed_stdlib out_cc)
  file(GLOB modules CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/stdlib/std/*.signoff")
  add_custom_command(
    OUTPUT "${out_cc}"
    COMMAND "${CMAKE_COMMAND}" "-DOUT=${out_cc}"
            "-DSTD_DIR=${PROJECT_SOURCE_DIR}/stdlib/std"
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedStdlib.cmake"
    DEPENDS ${modules} "${PROJECT_SOURCE_DIR}/cmake/EmbedStdlib.cmake"
    COMMENT "Embedding stdlib modules"
    VERBATIM)
endfunction()
