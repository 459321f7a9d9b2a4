// Schema migrations: a database of every older version upgrades to exactly the schema a new one
// gets, keeps its data, and a database newer than the build is refused.
#include "server/store/Database.h"
#include "server/store/Migrations.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace confab;
using namespace confab::store;

class TestMigrations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void tableIsOrdered();
    void upgradesFromEveryVersion_data();
    void upgradesFromEveryVersion();
    void migratingTwiceChangesNothing();
    void version2IndexesExistingConversations();
    void refusesNewerDatabase();

private:
    QSqlDatabase open(const QString &name);
    static QStringList schema(QSqlDatabase &db);

    QTemporaryDir m_dir;
    QStringList m_connections;
};

void TestMigrations::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestMigrations::cleanup()
{
    for (const QString &name : std::as_const(m_connections))
        closeConnection(name);
    m_connections.clear();
}

QSqlDatabase TestMigrations::open(const QString &name)
{
    auto db = openConnection(DatabaseConfig { m_dir.filePath(name), false }, name);
    m_connections.append(name);
    return db ? db.value() : QSqlDatabase();
}

QStringList TestMigrations::schema(QSqlDatabase &db)
{
    QSqlQuery query(db);
    QStringList statements;
    if (!query.exec(u"SELECT type, name, sql FROM sqlite_master ORDER BY type, name"_s))
        return { u"<cannot read the schema>"_s };
    while (query.next()) {
        statements.append(query.value(0).toString() + u' ' + query.value(1).toString() + u' '
                          + query.value(2).toString().simplified());
    }
    return statements;
}

void TestMigrations::tableIsOrdered()
{
    int expected = 1;
    for (const Migration &migration : migrations())
        QCOMPARE(migration.version, expected++);
    QCOMPARE(latestSchemaVersion(), expected - 1);
}

void TestMigrations::upgradesFromEveryVersion_data()
{
    QTest::addColumn<int>("from");
    for (int version = 0; version < latestSchemaVersion(); ++version)
        QTest::addRow("from v%d", version) << version;
}

void TestMigrations::upgradesFromEveryVersion()
{
    QFETCH(int, from);
    QSqlDatabase fresh = open(u"fresh-%1.sqlite3"_s.arg(from));
    QVERIFY(migrate(fresh).ok());

    QSqlDatabase old = open(u"old-%1.sqlite3"_s.arg(from));
    QVERIFY(migrate(old, from).ok());
    QCOMPARE(schemaVersion(old), from);
    const bool hasUsers = from >= 1;
    if (hasUsers) {
        QSqlQuery insert(old);
        QVERIFY(insert.exec(u"INSERT INTO users (username, display_name, password_hash, "
                            "created_at) VALUES ('keep', 'Keep', 'h', 1)"_s));
    }

    QVERIFY(migrate(old).ok());
    QCOMPARE(schemaVersion(old), latestSchemaVersion());
    QCOMPARE(schema(old), schema(fresh));
    if (hasUsers) {
        QSqlQuery kept(old);
        QVERIFY(kept.exec(u"SELECT display_name FROM users WHERE username = 'keep'"_s));
        QVERIFY(kept.next());
        QCOMPARE(kept.value(0).toString(), u"Keep"_s);
    }
}

void TestMigrations::migratingTwiceChangesNothing()
{
    QSqlDatabase db = open(u"twice.sqlite3"_s);
    QVERIFY(migrate(db).ok());
    const QStringList once = schema(db);
    QVERIFY(migrate(db).ok());
    QCOMPARE(schema(db), once);
    QCOMPARE(schemaVersion(db), latestSchemaVersion());
}

void TestMigrations::version2IndexesExistingConversations()
{
    QSqlDatabase db = open(u"v1-data.sqlite3"_s);
    QVERIFY(migrate(db, 1).ok());
    QSqlQuery sql(db);
    for (const QString &statement : {
             u"INSERT INTO users (id, username, display_name, password_hash, created_at) "
             "VALUES (1, 'alice', 'Alice', 'h', 1), (2, 'bob', 'Bob', 'h', 1)"_s,
             u"INSERT INTO convs (id, kind, user_lo, user_hi, last_seq) VALUES (7, 0, 1, 2, 3)"_s,
             u"INSERT INTO messages (id, conv_id, conv_seq, sender_id, sender_seq, client_id, "
             "body, ts) VALUES (100, 7, 1, 1, 1, 'a', 'x', 1000), (101, 7, 2, 2, 1, 'b', 'y', "
             "2000), "
             "(102, 7, 3, 2, 2, 'c', 'z', 3000)"_s,
         }) {
        QVERIFY2(sql.exec(statement), qPrintable(statement));
    }
    QVERIFY(migrate(db).ok());
    QVERIFY(sql.exec(u"SELECT user_id, last_message_id, activity_ts, unread, read_seq "
                     "FROM user_convs WHERE conv_id = 7 ORDER BY user_id"_s));
    QVERIFY(sql.next());
    QCOMPARE(sql.value(0).toLongLong(), 1); // alice: bob's two messages are unread
    QCOMPARE(sql.value(1).toLongLong(), 102);
    QCOMPARE(sql.value(2).toLongLong(), 3000);
    QCOMPARE(sql.value(3).toLongLong(), 2);
    QCOMPARE(sql.value(4).toLongLong(), 0);
    QVERIFY(sql.next());
    QCOMPARE(sql.value(0).toLongLong(), 2); // bob: alice's one message
    QCOMPARE(sql.value(3).toLongLong(), 1);
    QVERIFY(!sql.next());
}

void TestMigrations::refusesNewerDatabase()
{
    QSqlDatabase db = open(u"newer.sqlite3"_s);
    QSqlQuery pragma(db);
    QVERIFY(pragma.exec(u"PRAGMA user_version = %1"_s.arg(latestSchemaVersion() + 1)));
    const auto result = migrate(db);
    QVERIFY(!result.ok());
    QVERIFY(result.error().message.contains(u"newer"_s));
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
