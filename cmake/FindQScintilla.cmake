# FindQScintilla
# --------------
# Finds QScintilla built for Qt 6. Debian 12 ships the headers under <qt6 include dir>/Qsci and
# the library as libqscintilla2_qt6.so, with neither a CMake package nor a pkg-config file.
#
# Result: QScintilla_FOUND, QScintilla_INCLUDE_DIR, QScintilla_LIBRARY, QScintilla_VERSION and
# the imported target QScintilla::QScintilla (which brings Qt6::Widgets along).

find_package(Qt6 COMPONENTS Widgets QUIET)

set(_qsci_hints)
if(TARGET Qt6::Core)
    get_target_property(_qt_core_includes Qt6::Core INTERFACE_INCLUDE_DIRECTORIES)
    foreach(_dir IN LISTS _qt_core_includes)
        get_filename_component(_parent "${_dir}" DIRECTORY)
        list(APPEND _qsci_hints "${_dir}" "${_parent}")
    endforeach()
endif()

find_path(QScintilla_INCLUDE_DIR
    NAMES Qsci/qsciscintilla.h
    HINTS ${_qsci_hints}
    PATH_SUFFIXES qt6 x86_64-linux-gnu/qt6 aarch64-linux-gnu/qt6)
find_library(QScintilla_LIBRARY NAMES qscintilla2_qt6 qscintilla2-qt6)

if(QScintilla_INCLUDE_DIR AND EXISTS "${QScintilla_INCLUDE_DIR}/Qsci/qsciglobal.h")
    file(STRINGS "${QScintilla_INCLUDE_DIR}/Qsci/qsciglobal.h" _qsci_version_line
         REGEX "^#define QSCINTILLA_VERSION_STR +\"[^\"]+\"")
    string(REGEX REPLACE ".*\"([^\"]+)\".*" "\\1" QScintilla_VERSION "${_qsci_version_line}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(QScintilla
    REQUIRED_VARS QScintilla_LIBRARY QScintilla_INCLUDE_DIR
    VERSION_VAR QScintilla_VERSION)

if(QScintilla_FOUND AND NOT TARGET QScintilla::QScintilla)
    add_library(QScintilla::QScintilla UNKNOWN IMPORTED)
    set_target_properties(QScintilla::QScintilla PROPERTIES
        IMPORTED_LOCATION "${QScintilla_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${QScintilla_INCLUDE_DIR}"
        INTERFACE_COMPILE_DEFINITIONS "QSCINTILLA_DLL")
    if(TARGET Qt6::Widgets)
        set_property(TARGET QScintilla::QScintilla APPEND PROPERTY INTERFACE_LINK_LIBRARIES Qt6::Widgets)
    endif()
endif()
mark_as_advanced(QScintilla_INCLUDE_DIR QScintilla_LIBRARY)
