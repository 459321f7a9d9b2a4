add_executable(tst_account ${CMAKE_CURRENT_LIST_DIR}/tst_account.cpp)
target_link_libraries(tst_account PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_account COMMAND tst_account)
