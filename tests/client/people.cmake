add_executable(tst_people ${CMAKE_CURRENT_LIST_DIR}/tst_people.cpp)
target_link_libraries(tst_people PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_people COMMAND tst_people)
