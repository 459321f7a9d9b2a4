# Keyring: client_keyring runs without any keychain service (the file fallback);
# client_keyring_system runs the real-keychain tests against a private, throwaway
# gnome-keyring-daemon (with-keyring.sh), leaving the user's own keyrings alone.
add_executable(tst_keyring tst_keyring.cpp)
target_link_libraries(tst_keyring PRIVATE confab-client confab-testsupport Qt6::Test)
add_test(NAME client_keyring COMMAND tst_keyring)
add_test(NAME client_keyring_system
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/with-keyring.sh $<TARGET_FILE:tst_keyring>
                 systemKeychain systemKeychainFindsTokenOfRunWithoutKeychain)
# D-Bus can hang; no test may.
set_tests_properties(client_keyring client_keyring_system PROPERTIES TIMEOUT 60)
