#include "bench/Shards.h"

#include "server/EpollDispatcher.h"

namespace confab::bench {

Shards::Shards(int count)
{
    for (int i = 0; i < count; ++i) {
        auto thread = std::make_unique<QThread>();
        thread->setObjectName(QStringLiteral("shard-%1").arg(i));
        thread->setEventDispatcher(new EpollDispatcher);
        auto *context = new QObject;
        context->moveToThread(thread.get());
        thread->start();
        m_contexts.push_back(context);
        m_threads.push_back(std::move(thread));
    }
}

Shards::~Shards()
{
    // Connections are children of the contexts: delete them on their own threads.
    runEverywhere([this](int index) { qDeleteAll(context(index)->children()); });
    for (auto &thread : m_threads) {
        thread->quit();
        thread->wait();
    }
    // Their threads have finished: nothing else can touch them now.
    qDeleteAll(m_contexts);
}

void Shards::post(int index, std::function<void()> work) const
{
    QMetaObject::invokeMethod(context(index), std::move(work), Qt::QueuedConnection);
}

void Shards::runEverywhere(const std::function<void(int index)> &work) const
{
    for (int i = 0; i < count(); ++i)
        QMetaObject::invokeMethod(
            context(i), [&work, i] { work(i); }, Qt::BlockingQueuedConnection);
}

} // namespace confab::bench
