# Use ccache as the compiler launcher when it is installed (and not already chosen by the user).
if(NOT CMAKE_CXX_COMPILER_LAUNCHER)
    find_program(RIVULET_CCACHE_PROGRAM ccache)
    if(RIVULET_CCACHE_PROGRAM)
        set(CMAKE_CXX_COMPILER_LAUNCHER "${RIVULET_CCACHE_PROGRAM}" CACHE STRING "compiler launcher")
    endif()
endif()
add_feature_info(ccache RIVULET_CCACHE_PROGRAM "compiler launcher: ${CMAKE_CXX_COMPILER_LAUNCHER}")
