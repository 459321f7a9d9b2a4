#include "server/store/QueryPool.h"

#include <future>

namespace confab::store {

using namespace Qt::StringLiterals;

QueryPool::QueryPool(DatabaseConfig config, int threads, QString name)
    : m_config(std::move(config))
    , m_threadCount(qMax(1, threads))
    , m_name(std::move(name))
{ }

QueryPool::~QueryPool()
{
    stop();
}

Result<Done> QueryPool::start()
{
    for (int i = 0; i < m_threadCount; ++i) {
        std::promise<Result<Done>> opened;
        auto openedFuture = opened.get_future();
        m_threads.emplace_back([this, &opened, i] {
            nameThisThread(u"%1-%2"_s.arg(m_name).arg(i));
            const QString connection = threadConnectionName(m_name);
            {
                auto db = openConnection(m_config, connection);
                if (!db) {
                    opened.set_value(db.error());
                    return;
                }
                Statements sql(db.value());
                opened.set_value(Done {});
                loop(sql);
            }
            closeConnection(connection);
        });
        if (auto result = openedFuture.get(); !result) {
            stop();
            return result;
        }
    }
    return Done {};
}

void QueryPool::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
    m_threads.clear();
}

void QueryPool::post(std::function<void(Statements &)> job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
}

int QueryPool::queued() const
{
    std::lock_guard lock(m_mutex);
    return int(m_queue.size());
}

void QueryPool::loop(Statements &sql)
{
    for (;;) {
        std::function<void(Statements &)> job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty())
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        job(sql);
    }
}

} // namespace confab::store
