// The client library's logging categories, in one place (filter with QT_LOGGING_RULES).
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcClientApi)
Q_DECLARE_LOGGING_CATEGORY(lcClientConnection)
Q_DECLARE_LOGGING_CATEGORY(lcClientKeyring)
Q_DECLARE_LOGGING_CATEGORY(lcClientSync)
Q_DECLARE_LOGGING_CATEGORY(lcClientOutbox)
Q_DECLARE_LOGGING_CATEGORY(lcClientCache)
