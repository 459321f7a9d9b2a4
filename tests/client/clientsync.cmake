add_executable(tst_clientsync ${CMAKE_CURRENT_LIST_DIR}/tst_clientsync.cpp)
target_link_libraries(tst_clientsync PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_sync COMMAND tst_clientsync)
