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
