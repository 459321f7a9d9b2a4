// What the parts of a running server share, handed to each part through its constructor.
#pragma once

#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QSslConfiguration;
QT_END_NAMESPACE

namespace confab {

struct AbuseLimits;
struct ServerConfig;
struct Metrics;
class Router;
class HttpApi;
class Presence;

namespace store {
class Writer;
class QueryPool;
} // namespace store

struct ServerContext
{
    const ServerConfig &config;
    store::Writer &writer;
    store::QueryPool &queries; // short reads for sessions: auth, sync, history
    store::QueryPool &accounts; // HTTP API work: password hashing, account reads
    Router &router;
    Metrics &metrics;
    HttpApi &api;
    Presence &presence;
    AbuseLimits &limits;
    const QSslConfiguration *tls; // null: plain HTTP and WebSocket
};

} // namespace confab
