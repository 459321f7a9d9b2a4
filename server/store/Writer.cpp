#include "server/store/Writer.h"

#include "server/Logging.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace confab::store {

using namespace Qt::StringLiterals;

namespace {
constexpr int kCacheKiB = 32 * 1024;
constexpr int kCheckpointPages = 4000;
} // namespace

Writer::Writer(DatabaseConfig config, int maxBatch)
    : m_config(config)
    , m_maxBatch(maxBatch)
    , m_checkpointer(std::move(config), kCheckpointPages)
{ }

Writer::~Writer()
{
    stop();
}

Result<Done> Writer::start()
{
    std::promise<Result<Done>> opened;
    auto openedFuture = opened.get_future();
    m_thread = std::thread([this, &opened] {
        nameThisThread(u"writer"_s);
        const QString name = threadConnectionName(u"writer");
        {
            auto db = openConnection(m_config, name);
            if (!db) {
                opened.set_value(db.error());
                return;
            }
            // Every write reads the pages of the indexes it updates: keep them in memory
            // rather than re-reading them with pread() (SQLite's default is 2 MiB).
            if (!exec(db.value(), u"PRAGMA cache_size=-%1"_s.arg(kCacheKiB)))
                qCWarning(lcStore, "cannot set the writer's page cache size");
            // Checkpoint every ~16 MB of log rather than every ~4 MB: the pages every send
            // changes (inbox tails, counters, indexes) are copied back once per checkpoint, so
            // fewer, larger checkpoints copy far fewer pages. Mostly on its own thread.
            if (!exec(db.value(), u"PRAGMA wal_autocheckpoint=%1"_s.arg(kCheckpointPages)))
                qCWarning(lcStore, "cannot set the writer's checkpoint interval");
            Statements sql(db.value());
            m_checkpointer.watch(sql.handle());
            {
                auto newest = sql.get(u"SELECT COALESCE(MAX(id), 0) FROM messages"_s);
                if (newest.run() && newest->next())
                    m_clock.resumeAfter(newest->value(0).toLongLong());
            }
            {
                std::lock_guard lock(m_mutex);
                m_running = true;
                m_writerDone = false;
            }
            m_finisher = std::thread([this] {
                nameThisThread(u"writer-finish"_s);
                finishLoop();
            });
            opened.set_value(Done {});
            loopWith(sql);
        }
        closeConnection(name);
    });
    auto result = openedFuture.get();
    if (!result && m_thread.joinable())
        m_thread.join();
    return result;
}

void Writer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running && !m_thread.joinable())
            return;
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    // The writer has handed over its last batch; the finisher runs it and leaves.
    if (m_finisher.joinable())
        m_finisher.join();
    m_checkpointer.stop();
}

void Writer::post(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_running) {
            // Refused jobs still get their answer, never silence.
            job.finish(false);
            return;
        }
        m_queue.push_back(std::move(job));
        ++m_posted;
    }
    m_wake.notify_one();
}

void Writer::flush()
{
    std::unique_lock lock(m_mutex);
    const quint64 target = m_posted;
    m_progress.wait(lock, [&] {
        return m_finished >= target || (!m_running && m_committedBatches.empty() && !m_finishing);
    });
}

WriterStats Writer::stats() const
{
    std::lock_guard lock(m_mutex);
    WriterStats stats = m_stats;
    stats.queued = m_queue.size();
    stats.checkpoints = m_checkpointer.checkpoints();
    return stats;
}

void Writer::loopWith(Statements &sql)
{
    std::deque<Job> batch;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) {
                m_running = false;
                m_writerDone = true;
                m_progress.notify_all();
                m_finishWake.notify_all();
                return;
            }
            const auto take = std::min<std::size_t>(m_queue.size(), m_maxBatch);
            std::move(m_queue.begin(), m_queue.begin() + take, std::back_inserter(batch));
            m_queue.erase(m_queue.begin(), m_queue.begin() + take);
        }
        const bool committed = runBatch(sql, batch);
        if (m_checkpointer.finishOnWriter()) {
            if (!exec(sql.db(), u"PRAGMA wal_checkpoint(PASSIVE)"_s))
                qCWarning(lcStore, "a checkpoint failed");
            m_checkpointer.finished();
        }
        {
            std::lock_guard lock(m_mutex);
            m_committedBatches.push_back(Finished { std::move(batch), committed });
        }
        batch = {};
        m_finishWake.notify_one();
    }
}

void Writer::finishLoop()
{
    for (;;) {
        Finished finished;
        {
            std::unique_lock lock(m_mutex);
            m_finishWake.wait(lock, [&] { return m_writerDone || !m_committedBatches.empty(); });
            if (m_committedBatches.empty())
                return; // the writer is done and everything is finished
            finished = std::move(m_committedBatches.front());
            m_committedBatches.pop_front();
            m_finishing = true;
        }
        for (Job &job : finished.jobs)
            job.finish(finished.committed);
        {
            std::lock_guard lock(m_mutex);
            m_finished += finished.jobs.size();
            m_finishing = false;
        }
        m_progress.notify_all();
    }
}

bool Writer::runBatch(Statements &sql, std::deque<Job> &batch)
{
    QElapsedTimer timer;
    timer.start();
    if (m_cache.size() > WriterCache::kMaxEntries)
        m_cache.clear();
    WriteTxn txn { sql, m_clock, QDateTime::currentMSecsSinceEpoch(), m_cache };
    bool committed = sql.get(u"BEGIN IMMEDIATE"_s).run();
    if (committed) {
        for (Job &job : batch) {
            if (job.isolation == Isolation::ChecksFirst) {
                if (job.apply(txn) == Outcome::Broken) {
                    committed = false; // it may have written half of what it meant to
                    break;
                }
                continue;
            }
            sql.get(u"SAVEPOINT job"_s).run();
            if (job.apply(txn) != Outcome::Applied) {
                sql.get(u"ROLLBACK TO job"_s).run();
                m_cache.clear();
            }
            sql.get(u"RELEASE job"_s).run();
        }
        if (committed)
            committed = sql.get(u"COMMIT"_s).run();
        if (!committed)
            sql.get(u"ROLLBACK"_s).run();
    }
    if (!committed)
        m_cache.clear();
    const double seconds = timer.nsecsElapsed() / 1e9;
    {
        std::lock_guard lock(m_mutex);
        ++m_stats.transactions;
        m_stats.jobs += batch.size();
        m_stats.commitSecondsTotal += seconds;
        if (!committed)
            ++m_stats.failedCommits;
    }
    if (!committed)
        qCCritical(lcStore, "a transaction of %d jobs failed to commit", int(batch.size()));
    return committed;
}

} // namespace confab::store
