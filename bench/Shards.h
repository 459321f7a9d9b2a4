// The generator's threads: each runs an event loop that owns a share of the connections, so the
// client side spreads over the cores like the server does.
#pragma once

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>
#include <vector>

namespace confab::bench {

class Shards
{
public:
    explicit Shards(int count);
    ~Shards();

    int count() const { return int(m_contexts.size()); }
    // The object that lives in shard `index`'s thread; parent connections to it.
    QObject *context(int index) const { return m_contexts[std::size_t(index)]; }
    // Runs `work` on shard `index`'s thread, later.
    void post(int index, std::function<void()> work) const;
    // Runs `work` on every shard and waits until each has finished it.
    void runEverywhere(const std::function<void(int index)> &work) const;

private:
    std::vector<std::unique_ptr<QThread>> m_threads;
    std::vector<QObject *> m_contexts;
};

} // namespace confab::bench
