cmake_minimum_required(VERSION 3.25)
# cmake -DTABLE=<build>/dvfo-modules.cmake -P CheckModuleLayering.cmake
# Every file of a module may include project headers only from the folders its declared
# dependencies allow (see DvfoModules.cmake); a module built for the board may not include
# SQLite, libssh, Qt or zlib. Prints every violation, then fails.
include(${TABLE})
set(failures 0)
foreach(folder ${DVFO_MODULES})
  string(REPLACE "/" "_" name ${folder})
  set(target dvfo_${name})
  set(allowed ${DVFO_ALLOWED_${target}})
  file(GLOB files ${DVFO_ROOT}/${folder}/*.h ${DVFO_ROOT}/${folder}/*.cpp)
  foreach(file ${files})
    file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    file(RELATIVE_PATH rel ${DVFO_ROOT} ${file})
    foreach(line ${lines})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
      if(header MATCHES "^(core|remote)/")
        get_filename_component(header_folder ${header} DIRECTORY)
        if(NOT header_folder IN_LIST allowed)
          message(SEND_ERROR "${rel} includes \"${header}\", but ${folder} does not depend on "
                             "${header_folder} (allowed: ${allowed}). Add the dependency in "
                             "${folder}'s dvfo_module() if it does not make a cycle, or move the "
                             "code.")
          math(EXPR failures "${failures} + 1")
        endif()
      elseif(NOT DVFO_STUDIO_${target} AND
             header MATCHES "^(SQLiteCpp/|sqlite3\\.h|libssh/|zlib\\.h|Q[A-Za-z]+|qcustomplot)")
        message(SEND_ERROR "${rel} includes <${header}>, but ${folder} is built into dvfo-edge or "
                           "dvfo-cloud, which have no SQLite, libssh, Qt or zlib: move that part "
                           "into a STUDIO module.")
        math(EXPR failures "${failures} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} include(s) break the module layering")
endif()
