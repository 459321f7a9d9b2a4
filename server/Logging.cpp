#include "server/Logging.h"

Q_LOGGING_CATEGORY(lcServer, "confab.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "confab.server.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "confab.server.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRouter, "confab.server.router", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "confab.server.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPresence, "confab.server.presence", QtInfoMsg)
