# The one place that holds compile settings; every Rivulet target links rivulet_common.
add_library(rivulet_common INTERFACE)
add_library(Rivulet::Common ALIAS rivulet_common)
target_compile_features(rivulet_common INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(rivulet_common INTERFACE -Wall -Wextra)
target_compile_definitions(rivulet_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    RIVULET_VERSION="${PROJECT_VERSION}")

# Warnings are errors under CI=true (and whenever RIVULET_WERROR is on).
set(_rivulet_werror_default OFF)
if("$ENV{CI}" STREQUAL "true")
    set(_rivulet_werror_default ON)
endif()
option(RIVULET_WERROR "Treat compiler warnings as errors" ${_rivulet_werror_default})
add_feature_info(RIVULET_WERROR RIVULET_WERROR "warnings are errors (default ON when CI=true)")
if(RIVULET_WERROR)
    target_compile_options(rivulet_common INTERFACE -Werror)
endif()

option(RIVULET_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_feature_info(RIVULET_SANITIZE RIVULET_SANITIZE "ASan + UBSan instrumentation")
if(RIVULET_SANITIZE)
    target_compile_options(rivulet_common INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(rivulet_common INTERFACE -fsanitize=address,undefined)
endif()

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
    set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()
