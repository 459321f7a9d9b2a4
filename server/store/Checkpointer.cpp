#include "server/store/Checkpointer.h"

#include "server/Logging.h"

#include <sqlite3.h>

namespace confab::store {

using namespace Qt::StringLiterals;

Checkpointer::Checkpointer(DatabaseConfig config, int thresholdPages)
    : m_config(std::move(config))
    , m_thresholdPages(thresholdPages)
{ }

Checkpointer::~Checkpointer()
{
    stop();
}

bool Checkpointer::watch(sqlite3 *writer)
{
    std::promise<bool> opened;
    auto openedFuture = opened.get_future();
    m_thread = std::thread([this, &opened] { loop(opened); });
    if (!openedFuture.get()) {
        m_thread.join();
        return false;
    }
    // Replaces the automatic checkpoint, which is itself a WAL hook.
    sqlite3_wal_hook(writer, &Checkpointer::onWalCommit, this);
    return true;
}

void Checkpointer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

bool Checkpointer::finishOnWriter() const
{
    return m_phase.load(std::memory_order_acquire) == Phase::Finishing;
}

void Checkpointer::finished()
{
    m_checkpoints.fetch_add(1, std::memory_order_relaxed);
    m_phase.store(Phase::Idle, std::memory_order_release);
}

int Checkpointer::onWalCommit(void *self, sqlite3 *, const char *, int pages)
{
    // On the writer's thread, after each commit.
    auto *checkpointer = static_cast<Checkpointer *>(self);
    Phase idle = Phase::Idle;
    if (pages >= checkpointer->m_thresholdPages
        && checkpointer->m_phase.compare_exchange_strong(idle, Phase::Copying)) {
        std::lock_guard lock(checkpointer->m_mutex);
        checkpointer->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void Checkpointer::loop(std::promise<bool> &opened)
{
    nameThisThread(u"checkpoint"_s);
    const QString name = threadConnectionName(u"checkpoint");
    {
        auto db = openConnection(m_config, name);
        if (!db) {
            qCWarning(lcStore) << "no checkpoint thread, the writer checkpoints:"
                               << db.error().message;
            opened.set_value(false);
        } else {
            opened.set_value(true);
            for (;;) {
                {
                    std::unique_lock lock(m_mutex);
                    m_wake.wait(lock,
                                [this] { return m_stopping || m_phase.load() == Phase::Copying; });
                    if (m_stopping)
                        break;
                }
                if (!exec(db.value(), u"PRAGMA wal_checkpoint(PASSIVE)"_s))
                    qCWarning(lcStore, "a checkpoint failed");
                m_phase.store(Phase::Finishing, std::memory_order_release);
            }
        }
    }
    closeConnection(name);
}

} // namespace confab::store
