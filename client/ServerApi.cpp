#include "client/ServerApi.h"
// Placeholder: being written.

namespace confab::client {
ServerApi::ServerApi(QUrl baseUrl, QObject *parent) : QObject(parent), m_baseUrl(std::move(baseUrl)) { }
} // namespace confab::client
