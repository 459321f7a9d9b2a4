// Shortcuts for tests: an account with a logged-in device, made through the real HTTP API.
#pragma once

#include "tests/support/HttpClient.h"
#include "tests/support/ServerProcess.h"

#include <QString>

namespace confab::test {

struct TestDevice
{
    QString username;
    QString token;
    QString deviceId;
    bool ok() const { return !token.isEmpty(); }
};

inline const QString kPassword = QStringLiteral("correct horse battery");

// Registers `username` (if `registerFirst`) and logs in one device.
TestDevice makeDevice(HttpClient &http, const ServerProcess &server, const QString &username,
                      bool registerFirst = true,
                      const QString &deviceName = QStringLiteral("test"));

} // namespace confab::test
