add_executable(tst_cache ${CMAKE_CURRENT_LIST_DIR}/tst_cache.cpp)
target_link_libraries(tst_cache PRIVATE confab-client Qt6::Test)
add_test(NAME client_cache COMMAND tst_cache)
