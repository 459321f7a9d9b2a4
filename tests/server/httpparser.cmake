# Builds and registers the HTTP parser unit test on its own; include() it from a project that has
# found Qt6 Core and Test and set PROJECT_SOURCE_DIR to the repository root.
add_executable(tst_httpparser
    ${PROJECT_SOURCE_DIR}/tests/server/tst_httpparser.cpp
    ${PROJECT_SOURCE_DIR}/server/http/HttpParser.cpp
    ${PROJECT_SOURCE_DIR}/server/http/HttpRequest.cpp
)
target_include_directories(tst_httpparser PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(tst_httpparser PRIVATE Qt6::Core Qt6::Test)
add_test(NAME server_httpparser COMMAND tst_httpparser)
