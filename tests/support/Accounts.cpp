#include "tests/support/Accounts.h"

namespace confab::test {

using namespace Qt::StringLiterals;

TestDevice makeDevice(HttpClient &http, const ServerProcess &server, const QString &username,
                      bool registerFirst, const QString &deviceName)
{
    if (registerFirst) {
        const HttpReply reply =
            http.post(server.httpUrl(u"/api/v1/register"_s),
                      { { "username"_L1, username }, { "password"_L1, kPassword } });
        if (reply.status != 201)
            return {};
    }
    const HttpReply login = http.post(server.httpUrl(u"/api/v1/login"_s),
                                      { { "username"_L1, username },
                                        { "password"_L1, kPassword },
                                        { "device_name"_L1, deviceName } });
    if (login.status != 200)
        return {};
    return { login.json.value("username"_L1).toString(), login.json.value("token"_L1).toString(),
             login.json.value("device_id"_L1).toString() };
}

} // namespace confab::test
