#include "client/Keyring.h"
// Placeholder: being written.

namespace confab::client {
Keyring::Keyring(QString service, QString fallbackDir, QObject *parent)
    : QObject(parent), m_service(std::move(service)), m_fallbackDir(std::move(fallbackDir)) { }
} // namespace confab::client
