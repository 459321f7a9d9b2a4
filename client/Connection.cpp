#include "client/Connection.h"
// Placeholder: being written.

namespace confab::client {
Connection::Connection(QObject *parent) : QObject(parent) { }
Connection::~Connection() = default;
} // namespace confab::client
