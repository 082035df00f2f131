# One service's targets, declared the same way for every service:
#   <name>_lib       its domain, store and bindings (SOURCES), linked to the
#                    storage and serving layers and to DEPS (its protos and
#                    those of the peers it calls);
#   atrium-<name>    the binary (main.cc);
#   <name>_test      its unit tests (TESTS, with TEST_DEPS);
#   <name>_pg_test   the store-backed ones among them (PG_TESTS) again on a
#                    real PostgreSQL server, as "pg.<test>".
function(atrium_service name)
  cmake_parse_arguments(S "" "" "SOURCES;DEPS;TESTS;TEST_DEPS;PG_TESTS" ${ARGN})
  add_library(${name}_lib STATIC ${S_SOURCES})
  target_compile_options(${name}_lib PRIVATE ${ATRIUM_WARNINGS})
  target_link_libraries(${name}_lib PUBLIC atrium_common atrium_db ${S_DEPS})

  add_executable(atrium-${name} main.cc)
  target_compile_options(atrium-${name} PRIVATE ${ATRIUM_WARNINGS})
  target_link_libraries(atrium-${name} PRIVATE ${name}_lib)

  if(ATRIUM_BUILD_TESTS)
    add_executable(${name}_test ${S_TESTS})
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60)
    target_compile_options(${name}_test PRIVATE ${ATRIUM_WARNINGS})
    target_link_libraries(${name}_test PRIVATE ${name}_lib ${S_TEST_DEPS} GTest::gtest_main)

    add_executable(${name}_pg_test ${S_PG_TESTS}
      ${CMAKE_SOURCE_DIR}/tests/postgres.cc ${CMAKE_SOURCE_DIR}/tests/process.cc)
    target_compile_definitions(${name}_pg_test PRIVATE ATRIUM_TEST_PG)
    gtest_discover_tests(${name}_pg_test DISCOVERY_TIMEOUT 60 TEST_PREFIX "pg." PROPERTIES TIMEOUT 300)
    target_compile_options(${name}_pg_test PRIVATE ${ATRIUM_WARNINGS})
    target_link_libraries(${name}_pg_test PRIVATE ${name}_lib GTest::gtest_main)
  endif()
endfunction()
