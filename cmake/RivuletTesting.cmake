# rivulet_add_test(<module> <unit> SOURCES <files...> [LIBS <targets...>] [WIDGETS] [LABELS <labels...>]
#                  [TIMEOUT <seconds>] [ENVIRONMENT <VAR=value...>])
#
# Builds tests/auto/<module>/<unit>/tst_<unit>.cpp-style Qt Test executables named tst_<module>_<unit>
# and registers them with ctest as <module>/<unit>. Widget tests run with QT_QPA_PLATFORM=offscreen.
function(rivulet_add_test module unit)
    cmake_parse_arguments(ARG "WIDGETS" "TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
    set(target tst_${module}_${unit})
    add_executable(${target} ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE rivulet_common Qt6::Test ${ARG_LIBS})
    target_compile_definitions(${target} PRIVATE
        RIVULET_SOURCE_DIR="${PROJECT_SOURCE_DIR}" RIVULET_BINARY_DIR="${CMAKE_BINARY_DIR}")
    set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
    add_test(NAME ${module}/${unit} COMMAND ${target})
    set(env "QT_LOGGING_RULES=qt.qpa.*=false" "RIVULET_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
            "RIVULET_BINARY_DIR=${CMAKE_BINARY_DIR}" ${ARG_ENVIRONMENT})
    if(ARG_WIDGETS)
        list(APPEND env "QT_QPA_PLATFORM=offscreen")
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${module}/${unit} PROPERTIES
        ENVIRONMENT "${env}"
        LABELS "${module};${ARG_LABELS}"
        TIMEOUT ${ARG_TIMEOUT})
endfunction()
