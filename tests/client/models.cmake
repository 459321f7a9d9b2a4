# The list models (conversations, messages, devices) under QAbstractItemModelTester.
add_executable(tst_models ${CMAKE_CURRENT_LIST_DIR}/tst_models.cpp)
target_link_libraries(tst_models PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_models COMMAND tst_models)
set_tests_properties(client_models PROPERTIES TIMEOUT 60)
