// Copies the write-ahead log back into the database file, mostly on its own thread.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, on the
// writer's thread: that commit also copied thousands of pages and synced the database file, and
// every send queued behind it waited (the worst latencies of a steady load). Here the writer only
// notices the threshold (a WAL hook on its connection) and wakes this thread, which runs a
// PASSIVE checkpoint beside the writer. Such a checkpoint never catches up with a busy writer, and
// SQLite starts the log over only once every frame was copied back, so the writer then finishes
// the job between two transactions (finishOnWriter), copying only the frames written meanwhile;
// its next transaction starts the log from the beginning again.
#pragma once

#include "server/store/Database.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

struct sqlite3;

namespace confab::store {

class Checkpointer
{
public:
    explicit Checkpointer(DatabaseConfig config, int thresholdPages);
    ~Checkpointer();
    Checkpointer(const Checkpointer &) = delete;
    Checkpointer &operator=(const Checkpointer &) = delete;

    // Opens this thread's own connection and takes over from the automatic checkpoint of the
    // writer's connection `writer`. Call on the writer's thread, once. False if the connection
    // could not be opened: the writer's connection then keeps checkpointing by itself.
    bool watch(sqlite3 *writer);
    // Stops the thread; the last connection to close checkpoints what is left.
    void stop();

    // True once after each copy by this thread: the writer should now run a PASSIVE checkpoint
    // on its own connection, between two transactions, and then call finished().
    bool finishOnWriter() const;
    void finished();

    quint64 checkpoints() const { return m_checkpoints.load(std::memory_order_relaxed); }

private:
    enum class Phase { Idle, Copying, Finishing };

    static int onWalCommit(void *self, sqlite3 *db, const char *schema, int pages);
    void loop(std::promise<bool> &opened);

    DatabaseConfig m_config;
    int m_thresholdPages;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::atomic<Phase> m_phase { Phase::Idle };
    bool m_stopping = false;
    std::atomic<quint64> m_checkpoints { 0 };
};

} // namespace confab::store
