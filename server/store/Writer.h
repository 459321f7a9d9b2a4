// The one writer of the database. Jobs queue up while a transaction commits and then run together
// in the next transaction (group commit: one fsync for many sends). A job's result is handed on
// only after its transaction committed, so nothing is revealed that a crash could still lose.
#pragma once

#include "common/Result.h"
#include "server/store/Checkpointer.h"
#include "server/store/Database.h"
#include "server/store/MessageClock.h"
#include "server/store/Statements.h"

#include <QHash>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace confab::store {

// What the writer remembers between transactions, read from the database on first use:
// usernames resolved to user ids (users are never renamed or removed), the conversation of two
// users (never removed), each user's newest inbox seq and each conversation's newest conv_seq
// (only the writer adds inbox entries and messages). It stays right as long as what was read or
// counted commits: the writer forgets it all whenever a job or a batch is rolled back.
struct WriterCache
{
    QHash<QString, qint64> userIds;
    QHash<std::pair<qint64, qint64>, qint64> directConvs; // (user_lo, user_hi) → conv id
    QHash<qint64, qint64> newestInboxSeq; // user id → the seq of its newest inbox entry
    QHash<qint64, qint64> newestConvSeq; // conv id → the conv_seq of its newest message

    // Forgotten too when it grows past this many entries (it is only a cache).
    static constexpr qsizetype kMaxEntries = 500'000;
    qsizetype size() const
    {
        return userIds.size() + directConvs.size() + newestInboxSeq.size() + newestConvSeq.size();
    }
    void clear()
    {
        userIds.clear();
        directConvs.clear();
        newestInboxSeq.clear();
        newestConvSeq.clear();
    }
};

// What a job sees: the writer's connection inside the open transaction.
struct WriteTxn
{
    Statements &sql;
    MessageClock &clock;
    qint64 now; // ms since the epoch, read once per transaction
    WriterCache &cache;
};

struct WriterStats
{
    quint64 transactions = 0;
    quint64 jobs = 0;
    quint64 failedCommits = 0;
    quint64 queued = 0; // jobs waiting now
    quint64 checkpoints = 0; // log copies by the checkpoint thread, finished by the writer
    double commitSecondsTotal = 0;
};

// How a job is kept from disturbing the other jobs of its batch when it fails.
enum class Isolation {
    // The job runs in a savepoint: a failure rolls back what it wrote, and only that.
    Savepoint,
    // The job makes every check before its first write, so a refusal (any error but `internal`)
    // has written nothing: no savepoint is needed. An `internal` error may come after a write:
    // then the whole batch is rolled back and every job in it fails with `internal`.
    ChecksFirst,
};

class Writer
{
public:
    explicit Writer(DatabaseConfig config, int maxBatch = 2000);
    ~Writer();
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    // Opens the connection on the writer thread and starts taking jobs.
    Result<Done> start();
    // Finishes every job already posted, then stops the thread.
    void stop();

    // apply runs inside the transaction (in a savepoint: a failed result rolls back what that job
    // wrote and nothing else). done runs after the commit, with the result, or with an `internal`
    // error when the commit failed, on the finishing thread: completions run there in commit
    // order while the writer already commits the next batch.
    template<typename T>
    void submit(std::function<Result<T>(WriteTxn &)> apply, std::function<void(Result<T>)> done,
                Isolation isolation = Isolation::Savepoint);

    // Blocks the calling thread (never an event loop's) until the job committed.
    template<typename T>
    Result<T> run(std::function<Result<T>(WriteTxn &)> apply);

    // Blocks until every job posted before the call has finished.
    void flush();

    WriterStats stats() const;

private:
    enum class Outcome { Applied, Refused, Broken }; // Broken: an `internal` error
    struct Job
    {
        std::function<Outcome(WriteTxn &)> apply;
        std::function<void(bool committed)> finish;
        Isolation isolation = Isolation::Savepoint;
    };

    struct Finished
    {
        std::deque<Job> jobs;
        bool committed = false;
    };

    void post(Job job);
    void loopWith(Statements &sql);
    // True if the batch committed.
    bool runBatch(Statements &sql, std::deque<Job> &batch);
    void finishLoop();

    DatabaseConfig m_config;
    int m_maxBatch;
    std::thread m_thread;
    std::thread m_finisher; // runs the completions of committed batches, in order
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_progress;
    std::condition_variable m_finishWake;
    std::deque<Job> m_queue;
    std::deque<Finished> m_committedBatches;
    bool m_writerDone = false; // the writer thread has left its loop
    bool m_finishing = false; // the finisher is running a batch's completions
    bool m_stopping = false;
    bool m_running = false;
    quint64 m_posted = 0;
    quint64 m_finished = 0;
    WriterStats m_stats;
    MessageClock m_clock;
    WriterCache m_cache; // the writer thread's only
    Checkpointer m_checkpointer;
};

template<typename T>
void Writer::submit(std::function<Result<T>(WriteTxn &)> apply, std::function<void(Result<T>)> done,
                    Isolation isolation)
{
    auto result = std::make_shared<std::optional<Result<T>>>();
    post(Job {
        [apply = std::move(apply), result](WriteTxn &txn) {
            result->emplace(apply(txn));
            if ((*result)->ok())
                return Outcome::Applied;
            return (*result)->error().code == ErrorCode::Internal ? Outcome::Broken
                                                                  : Outcome::Refused;
        },
        [done = std::move(done), result](bool committed) {
            if (!result->has_value()) {
                done(Error { ErrorCode::Internal, QStringLiteral("the job did not run") });
            } else if (!committed && (*result)->ok()) {
                done(Error { ErrorCode::Internal, QStringLiteral("storage failed to commit") });
            } else {
                done(std::move(**result));
            }
        },
        isolation,
    });
}

template<typename T>
Result<T> Writer::run(std::function<Result<T>(WriteTxn &)> apply)
{
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    submit<T>(std::move(apply),
              [promise](Result<T> result) { promise->set_value(std::move(result)); });
    return future.get();
}

} // namespace confab::store
