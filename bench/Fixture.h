// The accounts a benchmark uses: users bench00000, bench00001, ... with one logged-in device each.
// Made once in a fixture directory and reused by every run (each run gets a fresh copy of the
// database). They are written through libconfab-server's own store functions rather than over
// HTTP: a login costs one argon2id verification (about 80 ms on one of two account threads), so
// 19,000 devices would take a quarter of an hour to log in.
#pragma once

#include <QList>
#include <QString>

namespace confab::bench {

struct BenchDevice
{
    QString username;
    QString token;
};

class Fixture
{
public:
    // Makes sure `dir` holds at least `users` users; the devices, or an empty list and `error`.
    static QList<BenchDevice> prepare(const QString &dir, int users, QString *error);
    // Copies the fixture's database into `dataDir` (for one confabd run).
    static bool copyInto(const QString &dir, const QString &dataDir, QString *error);

    static QString username(int index);
};

} // namespace confab::bench
