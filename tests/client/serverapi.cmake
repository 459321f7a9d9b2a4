# ServerApi against a real confabd, and against servers that are not one.
add_executable(tst_serverapi tst_serverapi.cpp)
target_link_libraries(tst_serverapi PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_serverapi COMMAND tst_serverapi)
set_tests_properties(client_serverapi PROPERTIES TIMEOUT 60)
