// What the parts of a running server share, handed to each part through its constructor.
#pragma once

namespace confab {

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
};

} // namespace confab
