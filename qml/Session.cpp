#include "qml/Session.h"

#include "client/Contacts.h"
#include "client/Groups.h"
#include "client/Outbox.h"
#include "client/SyncEngine.h"
#include "common/Limits.h"
#include "common/Presence.h"

#include <QDateTime>
#include <QDir>
#include <QPointer>
#include <QRegularExpression>
#include <QSysInfo>

#include <cmath>

namespace confab::app {

using namespace Qt::StringLiterals;
using client::Account;
using client::Connection;

namespace {
const QString kNotificationsKey = u"notifications"_s;
const QString kThemeKey = u"theme"_s;

QString lastConvKey(const QString &username)
{
    return u"lastConv/"_s + username;
}

QStringList usernamesIn(const QString &text)
{
    static const QRegularExpression separators(u"[,;\\s]+"_s);
    QStringList names = text.split(separators, Qt::SkipEmptyParts);
    for (QString &name : names) {
        if (name.startsWith(u'@'))
            name.remove(0, 1);
        name = name.toLower();
    }
    names.removeDuplicates();
    return names;
}

} // namespace

Session::Session(QObject *parent)
    : QObject(parent)
{
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &Session::connectionChanged);
}

Session::~Session()
{
    closeModels();
    // The account says goodbye (the connection stops) to nothing here any more.
    if (m_account) {
        m_account->connection().disconnect(this);
        m_account->disconnect(this);
        m_account.reset();
    }
}

void Session::setDataDir(const QString &dataDir)
{
    if (m_account || dataDir.isEmpty())
        return; // set once
    m_dataDir = dataDir;
    QDir().mkpath(dataDir);
    m_preferences = std::make_unique<QSettings>(QDir(dataDir).filePath(u"preferences.ini"_s),
                                                QSettings::IniFormat);
    m_account = std::make_unique<Account>(dataDir);
    connect(m_account.get(), &Account::stateChanged, this, &Session::onAccountState);
    connect(m_account.get(), &Account::errorChanged, this, &Session::errorChanged);
    connect(m_account.get(), &Account::tokenStorageChanged, this, &Session::phaseChanged);
    Connection &connection = m_account->connection();
    connect(&connection, &Connection::stateChanged, this, [this] {
        if (m_account->connection().state() == Connection::State::Offline)
            m_countdown.start();
        else
            m_countdown.stop();
        if (m_account->connection().state() == Connection::State::Online) {
            refreshPeerPresence();
            if (m_devices)
                m_devices->refresh();
        }
        Q_EMIT connectionChanged();
    });
    Q_EMIT dataDirChanged();
    Q_EMIT preferencesChanged();
}

void Session::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    Q_EMIT phaseChanged();
}

QString Session::error() const
{
    return m_account ? m_account->error() : QString();
}

QString Session::username() const
{
    return m_account ? m_account->username() : QString();
}

QString Session::deviceId() const
{
    return m_account ? m_account->deviceId() : QString();
}

QString Session::serverUrl() const
{
    return m_account ? m_account->serverUrl().toString() : QString();
}

bool Session::tokenInFile() const
{
    return m_account && m_account->tokenInFile();
}

QString Session::connection() const
{
    if (!m_account)
        return u"offline"_s;
    switch (m_account->connection().state()) {
    case Connection::State::Online:
        return u"online"_s;
    case Connection::State::Connecting:
        return u"connecting"_s;
    case Connection::State::Offline:
        break;
    }
    // Signed in from the cache, the token not read yet: nothing has failed.
    if (m_phase == Phase::SignedIn && !m_account->connection().nextRetryAt().isValid()
        && m_account->connection().lastError().isEmpty())
        return u"connecting"_s;
    return u"offline"_s;
}

int Session::retryInSeconds() const
{
    if (!m_account)
        return 0;
    const QDateTime next = m_account->connection().nextRetryAt();
    if (!next.isValid())
        return 0;
    const qint64 ms = QDateTime::currentDateTimeUtc().msecsTo(next);
    return ms <= 0 ? 0 : int(std::ceil(double(ms) / 1000.0));
}

QString Session::connectionError() const
{
    return m_account ? m_account->connection().lastError() : QString();
}

bool Session::syncing() const
{
    return m_account && m_account->sync() && m_account->sync()->syncing();
}

void Session::restore()
{
    if (!m_account) {
        setPhase(Phase::SignedOut);
        return;
    }
    setPhase(Phase::Restoring);
    QPointer<Session> self(this);
    m_account->restore([self](bool restored) {
        if (self && !restored)
            self->setPhase(Phase::SignedOut);
    });
}

void Session::signIn(const QString &server, const QString &username, const QString &password,
                     const QString &deviceName, bool registerFirst)
{
    if (!m_account)
        return;
    QUrl url = QUrl::fromUserInput(server.trimmed());
    m_account->signIn(url, username.trimmed(), password, deviceName.trimmed(), registerFirst);
}

void Session::signOut()
{
    if (m_account && m_account->state() == Account::State::SignedIn)
        m_account->signOut();
}

void Session::reconnectNow()
{
    if (m_account)
        m_account->connection().reconnectNow();
}

void Session::onAccountState()
{
    switch (m_account->state()) {
    case Account::State::SignedIn:
        openModels();
        setPhase(Phase::SignedIn);
        break;
    case Account::State::SigningIn:
        setPhase(Phase::SigningIn);
        break;
    case Account::State::SignedOut:
        closeModels();
        setPhase(Phase::SignedOut);
        break;
    }
    Q_EMIT connectionChanged();
}

void Session::openModels()
{
    if (m_conversations)
        return;
    Account &account = *m_account;
    const QString own = account.username();
    m_conversations = std::make_unique<client::ConversationListModel>(
        *account.cache(), *account.sync(), *account.outbox(), own);
    m_conversations->setContacts(account.contacts());
    m_messages = std::make_unique<client::MessageListModel>(*account.cache(), *account.sync(),
                                                            *account.outbox(), own);
    m_contacts = std::make_unique<client::ContactListModel>(*account.contacts());
    m_devices = std::make_unique<client::DeviceListModel>(account.api());
    m_devices->setCurrentDeviceId(account.deviceId());
    m_members = std::make_unique<client::GroupMemberModel>(*account.groups(), *account.contacts());

    connect(account.sync(), &client::SyncEngine::syncingChanged, this, &Session::syncingChanged);
    connect(account.sync(), &client::SyncEngine::conversationsChanged, this,
            &Session::onConversationsChanged);
    connect(account.sync(), &client::SyncEngine::messagesChanged, this,
            &Session::onConversationsChanged);
    connect(account.groups(), &client::Groups::groupsChanged, this, [this] {
        applyTitles();
        Q_EMIT currentChanged();
    });
    connect(account.contacts(), &client::Contacts::contactsChanged, this, &Session::applyTitles);
    connect(account.contacts(), &client::Contacts::presenceChanged, this,
            [this](const PresenceInfo &presence) {
                if (!currentIsGroup() && m_currentConv == u"user:"_s + presence.username)
                    setPeerPresence(presenceStatusName(presence.status), presence.lastActiveAt);
            });
    connect(m_messages.get(), &QAbstractItemModel::rowsInserted, this,
            [this] { updateNewMarker(m_markerReadSeq); });
    connect(m_messages.get(), &QAbstractItemModel::modelReset, this,
            [this] { updateNewMarker(m_markerReadSeq); });

    // What is already there is not news: only what comes from now on is notified.
    m_unread.clear();
    m_unreadTotal = 0;
    for (const client::CachedConversation &conversation : account.cache()->conversations()) {
        m_unread.insert(conversation.conv, conversation.unread);
        m_unreadTotal += int(conversation.unread);
    }
    applyTitles();
    Q_EMIT modelsChanged();
    Q_EMIT unreadTotalChanged();
    Q_EMIT syncingChanged();
    if (m_preferences)
        setCurrentConv(m_preferences->value(lastConvKey(own)).toString());
}

void Session::closeModels()
{
    // The views let go of the models first, then they go.
    auto conversations = std::move(m_conversations);
    auto messages = std::move(m_messages);
    auto contacts = std::move(m_contacts);
    auto devices = std::move(m_devices);
    auto members = std::move(m_members);
    if (!conversations)
        return;
    m_currentConv.clear();
    m_newMarkerLocalId = 0;
    m_unread.clear();
    m_unreadTotal = 0;
    Q_EMIT modelsChanged();
    Q_EMIT currentChanged();
    Q_EMIT unreadTotalChanged();
}

void Session::applyTitles()
{
    if (!m_conversations)
        return;
    for (const GroupInfo &group : m_account->groups()->list())
        m_conversations->setTitle(u"group:"_s + QString::number(group.id), group.name);
    for (const ContactInfo &contact : m_account->contacts()->list()) {
        if (!contact.displayName.isEmpty())
            m_conversations->setTitle(u"user:"_s + contact.presence.username, contact.displayName);
    }
}

void Session::onConversationsChanged()
{
    if (!m_account || !m_account->cache())
        return;
    const QString own = m_account->username();
    const bool quiet = syncing() || !notificationsEnabled();
    int total = 0;
    for (const client::CachedConversation &conversation : m_account->cache()->conversations()) {
        total += int(conversation.unread);
        const qint64 before = m_unread.value(conversation.conv, 0);
        m_unread.insert(conversation.conv, conversation.unread);
        const bool onScreen = conversation.conv == m_currentConv && m_windowActive;
        if (conversation.unread > before && conversation.last && conversation.last->from != own
            && !quiet && !onScreen) {
            QString title = conversation.conv.mid(conversation.conv.indexOf(u':') + 1);
            if (conversation.conv.startsWith(u"group:")) {
                const auto group = m_account->cache()->group(title.toLongLong());
                title = (group ? group->name : title) + u": "_s + conversation.last->from;
            }
            Q_EMIT messageArrived(conversation.conv, title, conversation.last->body.left(200));
        }
    }
    if (total != m_unreadTotal) {
        m_unreadTotal = total;
        Q_EMIT unreadTotalChanged();
    }
}

void Session::setCurrentConv(const QString &conv)
{
    if (conv == m_currentConv || !m_messages)
        return;
    m_currentConv = conv;
    m_markerReadSeq = -1;
    m_newMarkerLocalId = 0;
    for (const client::CachedConversation &conversation : m_account->cache()->conversations()) {
        if (conversation.conv == conv && conversation.unread > 0)
            m_markerReadSeq = conversation.readSeq;
    }
    m_messages->setConv(conv);
    // A short page means a gap before it (a new device knows only the last message): fill it
    // from the cache, else from the server.
    if (!conv.isEmpty() && m_messages->rowCount() < client::MessageListModel::kPageSize)
        m_messages->loadOlder();
    m_members->setGroup(currentIsGroup() ? conv.mid(6) : QString());

    m_peerStatus = u"unknown"_s;
    m_peerLastSeen = 0;
    if (!conv.isEmpty() && !currentIsGroup()) {
        const QString peer = conv.mid(5);
        for (const ContactInfo &contact : m_account->contacts()->list()) {
            if (contact.presence.username == peer) {
                m_peerStatus = presenceStatusName(contact.presence.status);
                m_peerLastSeen = contact.presence.lastActiveAt;
            }
        }
        refreshPeerPresence();
    }
    if (m_preferences) {
        m_preferences->setValue(lastConvKey(m_account->username()), conv);
    }
    updateNewMarker(m_markerReadSeq);
    Q_EMIT currentChanged();
    Q_EMIT currentPeerChanged();
}

void Session::updateNewMarker(qint64 readSeq)
{
    // The first unread message among the loaded rows: older rows that come in later (a short
    // first page, then history) can move the line up.
    if (readSeq < 0 || !m_messages)
        return;
    const int rows = m_messages->rowCount();
    for (int row = 0; row < rows; ++row) {
        const QModelIndex index = m_messages->index(row);
        if (!index.data(client::MessageListModel::IsOwnRole).toBool()
            && index.data(client::MessageListModel::ConvSeqRole).toLongLong() > readSeq) {
            const qint64 localId = index.data(client::MessageListModel::LocalIdRole).toLongLong();
            if (localId != m_newMarkerLocalId) {
                m_newMarkerLocalId = localId;
                Q_EMIT newMarkerChanged();
            }
            return;
        }
    }
}

QString Session::currentTitle() const
{
    if (m_currentConv.isEmpty() || !m_account || !m_account->cache())
        return {};
    const QString id = m_currentConv.mid(m_currentConv.indexOf(u':') + 1);
    if (currentIsGroup()) {
        const auto group = m_account->cache()->group(id.toLongLong());
        return group ? group->name : u"Group "_s + id;
    }
    for (const ContactInfo &contact : m_account->contacts()->list()) {
        if (contact.presence.username == id && !contact.displayName.isEmpty())
            return contact.displayName;
    }
    return id;
}

qint64 Session::currentGroupId() const
{
    return currentIsGroup() ? m_currentConv.mid(6).toLongLong() : 0;
}

bool Session::currentIsOwner() const
{
    if (!currentIsGroup() || !m_account->cache())
        return false;
    const auto group = m_account->cache()->group(currentGroupId());
    return group && group->owner == m_account->username();
}

int Session::currentMemberCount() const
{
    if (!currentIsGroup() || !m_account->cache())
        return 0;
    const auto group = m_account->cache()->group(currentGroupId());
    return group ? int(group->members.size()) : 0;
}

void Session::setPeerPresence(const QString &status, qint64 lastSeen)
{
    if (status == m_peerStatus && lastSeen == m_peerLastSeen)
        return;
    m_peerStatus = status;
    m_peerLastSeen = lastSeen;
    Q_EMIT currentPeerChanged();
}

void Session::refreshPeerPresence()
{
    if (!m_account || !m_account->contacts() || currentIsGroup() || m_currentConv.isEmpty()
        || m_account->connection().state() != Connection::State::Online)
        return;
    const QString conv = m_currentConv;
    QPointer<Session> self(this);
    m_account->contacts()->query({ conv.mid(5) }, [self, conv](Result<QList<PresenceInfo>> users) {
        if (!self || self->m_currentConv != conv || !users || users->isEmpty())
            return;
        self->setPeerPresence(presenceStatusName(users->first().status),
                              users->first().lastActiveAt);
    });
}

void Session::setWindowActive(bool active)
{
    if (active == m_windowActive)
        return;
    m_windowActive = active;
    Q_EMIT windowActiveChanged();
}

bool Session::notificationsEnabled() const
{
    return !m_preferences || m_preferences->value(kNotificationsKey, true).toBool();
}

void Session::setNotificationsEnabled(bool enabled)
{
    if (!m_preferences || enabled == notificationsEnabled())
        return;
    m_preferences->setValue(kNotificationsKey, enabled);
    Q_EMIT preferencesChanged();
}

QString Session::theme() const
{
    return m_preferences ? m_preferences->value(kThemeKey, u"system"_s).toString() : u"system"_s;
}

void Session::setTheme(const QString &theme)
{
    if (!m_preferences || theme == this->theme())
        return;
    m_preferences->setValue(kThemeKey, theme);
    Q_EMIT preferencesChanged();
}

QString Session::defaultDeviceName()
{
    const QString host = QSysInfo::machineHostName();
    return host.isEmpty() ? u"My device"_s : host.left(limits::kMaxDeviceNameChars);
}

int Session::maxMessageLength() const
{
    return limits::kMaxBodyCodePoints;
}

bool Session::send(const QString &text)
{
    const QString body = text.trimmed();
    if (!m_account || !m_account->outbox() || m_currentConv.isEmpty() || body.isEmpty())
        return false;
    if (body.toUcs4().size() > limits::kMaxBodyCodePoints)
        return false;
    return m_account->outbox()->send(m_currentConv, body).has_value();
}

void Session::retry(const QString &clientId)
{
    if (m_account && m_account->outbox())
        m_account->outbox()->retry(clientId);
}

void Session::discard(const QString &clientId)
{
    if (m_account && m_account->outbox())
        m_account->outbox()->discard(clientId);
}

void Session::markRead()
{
    if (m_messages && m_windowActive && !m_currentConv.isEmpty())
        m_messages->markRead();
}

void Session::startChat(const QString &username)
{
    const QStringList names = usernamesIn(username);
    if (!m_account || names.size() != 1) {
        Q_EMIT actionFailed(u"Type one username."_s);
        return;
    }
    QPointer<Session> self(this);
    m_account->api().user(names.first(), [self](Result<UserInfo> user) {
        if (!self)
            return;
        if (!user) {
            Q_EMIT self->actionFailed(user.error().message);
            return;
        }
        self->setCurrentConv(u"user:"_s + user->username);
        Q_EMIT self->actionDone(u"chat"_s);
    });
}

void Session::createGroup(const QString &name, const QString &members)
{
    if (!m_account || !m_account->groups())
        return;
    QPointer<Session> self(this);
    m_account->groups()->create(name.trimmed(), usernamesIn(members),
                                [self](Result<GroupInfo> group) {
                                    if (!self)
                                        return;
                                    if (!group) {
                                        Q_EMIT self->actionFailed(group.error().message);
                                        return;
                                    }
                                    self->setCurrentConv(u"group:"_s + QString::number(group->id));
                                    Q_EMIT self->actionDone(u"group"_s);
                                });
}

void Session::groupAction(
    const QString &what,
    const std::function<void(client::Groups &, qint64, client::Groups::Done)> &call)
{
    if (!m_account || !m_account->groups() || !currentIsGroup())
        return;
    QPointer<Session> self(this);
    call(*m_account->groups(), currentGroupId(), [self, what](Result<GroupInfo> group) {
        if (!self)
            return;
        if (!group) {
            Q_EMIT self->actionFailed(group.error().message);
            return;
        }
        Q_EMIT self->currentChanged();
        Q_EMIT self->actionDone(what);
    });
}

void Session::addMembers(const QString &members)
{
    const QStringList names = usernamesIn(members);
    groupAction(u"add"_s, [names](client::Groups &groups, qint64 id, client::Groups::Done done) {
        groups.add(id, names, std::move(done));
    });
}

void Session::removeMember(const QString &username)
{
    groupAction(u"remove"_s,
                [username](client::Groups &groups, qint64 id, client::Groups::Done done) {
                    groups.remove(id, username, std::move(done));
                });
}

void Session::renameGroup(const QString &name)
{
    groupAction(u"rename"_s, [name](client::Groups &groups, qint64 id, client::Groups::Done done) {
        groups.rename(id, name.trimmed(), std::move(done));
    });
}

void Session::leaveGroup()
{
    if (!m_account || !m_account->groups() || !currentIsGroup())
        return;
    QPointer<Session> self(this);
    m_account->groups()->leave(currentGroupId(), [self](Result<Done> left) {
        if (!self)
            return;
        if (!left) {
            Q_EMIT self->actionFailed(left.error().message);
            return;
        }
        self->setCurrentConv(QString());
        Q_EMIT self->actionDone(u"leave"_s);
    });
}

void Session::openAdjacent(int delta)
{
    if (!m_conversations || m_conversations->rowCount() == 0)
        return;
    const int rows = m_conversations->rowCount();
    int current = -1;
    for (int row = 0; row < rows; ++row) {
        if (m_conversations->index(row).data(client::ConversationListModel::ConvRole).toString()
            == m_currentConv)
            current = row;
    }
    const int next = current < 0 ? 0 : std::clamp(current + delta, 0, rows - 1);
    setCurrentConv(
        m_conversations->index(next).data(client::ConversationListModel::ConvRole).toString());
}

} // namespace confab::app
