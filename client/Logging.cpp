#include "client/Logging.h"

Q_LOGGING_CATEGORY(lcClientApi, "confab.client.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientConnection, "confab.client.connection", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientKeyring, "confab.client.keyring", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientSync, "confab.client.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientOutbox, "confab.client.outbox", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClientCache, "confab.client.cache", QtInfoMsg)
