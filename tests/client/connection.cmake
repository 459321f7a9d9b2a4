# The WebSocket connection (reconnects, backoff, heartbeat) against real confabd processes.
add_executable(tst_connection tst_connection.cpp)
target_link_libraries(tst_connection PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_connection COMMAND tst_connection)
