// Threads that each own a read connection and run jobs that may block: queries, password hashing,
// waiting for the writer. Event loops hand such work here and never block themselves.
#pragma once

#include "common/Result.h"
#include "server/store/Database.h"
#include "server/store/Statements.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace confab::store {

class QueryPool
{
public:
    QueryPool(DatabaseConfig config, int threads, QString name);
    ~QueryPool();
    QueryPool(const QueryPool &) = delete;
    QueryPool &operator=(const QueryPool &) = delete;

    Result<Done> start();
    // Runs what is queued, then stops the threads.
    void stop();

    // Runs `job` on a pool thread with that thread's connection.
    void post(std::function<void(Statements &)> job);

    // Runs `query` on a pool thread and hands its result to `done` there.
    template<typename T>
    void run(std::function<Result<T>(Statements &)> query, std::function<void(Result<T>)> done)
    {
        post([query = std::move(query), done = std::move(done)](Statements &sql) {
            done(query(sql));
        });
    }

    int queued() const;

private:
    void loop(Statements &sql);

    DatabaseConfig m_config;
    int m_threadCount;
    QString m_name;
    std::vector<std::thread> m_threads;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void(Statements &)>> m_queue;
    bool m_stopping = false;
};

} // namespace confab::store
