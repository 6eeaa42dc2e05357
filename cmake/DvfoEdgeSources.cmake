include_guard(GLOBAL)
# The board agent (dvfo-edge) and the cloud server (dvfo-cloud) are built from the "edge" part of
# core/ and remote/: every source there except a named list of studio-only units (the SQLite
# workspace stores, training, the attention study, SSH). New files join the edge part by default,
# so nothing is dropped silently; a new file that needs SQLite (a workspace store), libssh, Qt or
# zlib must be listed as studio-only, and dvfo_split_edge_sources stops the configure step until
# it is.

# Sets <edge_var> to <sources> less <studio_only> (paths relative to the current source dir) and
# <studio_var> to the studio-only sources. Fails the configure step when a studio-only entry names
# no file (a renamed unit would otherwise move into the edge part unnoticed) or when an edge source
# includes, directly or through this project's headers, one of the forbidden headers.
function(dvfo_split_edge_sources sources studio_only edge_var studio_var)
  set(edge ${${sources}})
  set(studio)
  foreach(rel ${${studio_only}})
    set(path ${CMAKE_CURRENT_SOURCE_DIR}/${rel})
    if(NOT EXISTS ${path})
      message(FATAL_ERROR "${CMAKE_CURRENT_LIST_FILE}: studio-only unit ${rel} does not exist; "
                          "remove it from the list")
    endif()
    list(REMOVE_ITEM edge ${path})
    list(APPEND studio ${path})
  endforeach()
  foreach(src ${edge})
    _dvfo_find_forbidden_include(${src} found via)
    if(found)
      file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${src})
      message(FATAL_ERROR "${rel} is built into dvfo-edge but includes <${found}> (${via}); "
                          "dvfo-edge has no SQLite, libssh, Qt or zlib. List it as studio-only in "
                          "${CMAKE_CURRENT_LIST_FILE} or move that part into a unit of its own.")
    endif()
  endforeach()
  set(${edge_var} ${edge} PARENT_SCOPE)
  set(${studio_var} ${studio} PARENT_SCOPE)
endfunction()

# Breadth-first over the project headers ("core/x.h", "remote/edge/y.h") that <file> includes.
function(_dvfo_find_forbidden_include file found_var via_var)
  # Third-party headers the edge part must not include (their libraries are not on a board), and
  # the SQLite workspace stores' headers: a unit that uses a store needs SQLite to link.
  string(CONCAT forbidden "^(SQLiteCpp/|sqlite3\\.h|libssh/|zlib\\.h|Q[A-Za-z]+|qcustomplot|"
                          "core/(profilestore|trainingrunstore|bundlestore)\\.h$)")
  set(queue ${file})
  set(seen ${file})
  while(queue)
    list(POP_FRONT queue current)
    file(STRINGS ${current} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line ${lines})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
      if(header MATCHES "${forbidden}")
        file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${current})
        set(${found_var} ${header} PARENT_SCOPE)
        set(${via_var} "in ${rel}" PARENT_SCOPE)
        return()
      endif()
      set(candidate ${PROJECT_SOURCE_DIR}/${header})
      if(EXISTS ${candidate} AND NOT candidate IN_LIST seen)
        list(APPEND seen ${candidate})
        list(APPEND queue ${candidate})
      endif()
    endforeach()
  endwhile()
  set(${found_var} "" PARENT_SCOPE)
endfunction()
