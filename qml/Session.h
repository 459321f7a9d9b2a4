// What the app's pages see of the signed-in account: sign in and out, the connection as the
// banner shows it, the models of every page, the open conversation (its header facts and its
// "new messages" line), sending, groups and the preferences (notifications, theme). It only
// composes the client library; the pages hold no logic beyond showing it.
#pragma once

#include "client/Account.h"
#include "client/models/ContactListModel.h"
#include "client/models/ConversationListModel.h"
#include "client/models/DeviceListModel.h"
#include "client/models/GroupMemberModel.h"
#include "client/models/MessageListModel.h"

#include <QHash>
#include <QObject>
#include <QSettings>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace confab::app {

class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    // Where the account, its cache and the preferences live; set once, before restore().
    Q_PROPERTY(QString dataDir READ dataDir WRITE setDataDir NOTIFY dataDirChanged)

    // Restoring (reading the last account), SignedOut, SigningIn or SignedIn.
    Q_PROPERTY(Phase phase READ phase NOTIFY phaseChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString username READ username NOTIFY phaseChanged)
    Q_PROPERTY(QString deviceId READ deviceId NOTIFY phaseChanged)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY phaseChanged)
    Q_PROPERTY(bool tokenInFile READ tokenInFile NOTIFY phaseChanged)

    // The connection, for the banner: "online", "connecting" or "offline".
    Q_PROPERTY(QString connection READ connection NOTIFY connectionChanged)
    Q_PROPERTY(int retryInSeconds READ retryInSeconds NOTIFY connectionChanged)
    Q_PROPERTY(QString connectionError READ connectionError NOTIFY connectionChanged)
    Q_PROPERTY(bool syncing READ syncing NOTIFY syncingChanged)

    // The models (null while signed out).
    Q_PROPERTY(confab::client::ConversationListModel *conversations READ conversations NOTIFY
                   modelsChanged)
    Q_PROPERTY(confab::client::MessageListModel *messages READ messages NOTIFY modelsChanged)
    Q_PROPERTY(confab::client::ContactListModel *contacts READ contacts NOTIFY modelsChanged)
    Q_PROPERTY(confab::client::DeviceListModel *devices READ devices NOTIFY modelsChanged)
    Q_PROPERTY(confab::client::GroupMemberModel *members READ members NOTIFY modelsChanged)

    // The open conversation ("" for none) and what its header shows.
    Q_PROPERTY(QString currentConv READ currentConv WRITE setCurrentConv NOTIFY currentChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentChanged)
    Q_PROPERTY(bool currentIsGroup READ currentIsGroup NOTIFY currentChanged)
    Q_PROPERTY(bool currentIsOwner READ currentIsOwner NOTIFY currentChanged)
    Q_PROPERTY(int currentMemberCount READ currentMemberCount NOTIFY currentChanged)
    Q_PROPERTY(QString currentPeerStatus READ currentPeerStatus NOTIFY currentPeerChanged)
    Q_PROPERTY(qint64 currentPeerLastSeen READ currentPeerLastSeen NOTIFY currentPeerChanged)
    // The first message that was unread when the conversation was opened (its "new messages"
    // line); 0 for none.
    Q_PROPERTY(qint64 newMarkerLocalId READ newMarkerLocalId NOTIFY newMarkerChanged)

    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
    // Set by the window: messages in the open conversation are read only while it is active.
    Q_PROPERTY(bool windowActive READ windowActive WRITE setWindowActive NOTIFY windowActiveChanged)

    // Preferences, kept in <dataDir>/preferences.ini.
    Q_PROPERTY(bool notificationsEnabled READ notificationsEnabled WRITE setNotificationsEnabled
                   NOTIFY preferencesChanged)
    Q_PROPERTY(
        QString theme READ theme WRITE setTheme NOTIFY preferencesChanged) // system|light|dark

    Q_PROPERTY(int maxMessageLength READ maxMessageLength CONSTANT)
    // What the sign-in page offers as this device's name: the host's name.
    Q_PROPERTY(QString defaultDeviceName READ defaultDeviceName CONSTANT)

public:
    enum class Phase { Restoring, SignedOut, SigningIn, SignedIn };
    Q_ENUM(Phase)

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    QString dataDir() const { return m_dataDir; }
    void setDataDir(const QString &dataDir);

    Phase phase() const { return m_phase; }
    QString error() const;
    QString username() const;
    QString deviceId() const;
    QString serverUrl() const;
    bool tokenInFile() const;

    QString connection() const;
    int retryInSeconds() const;
    QString connectionError() const;
    bool syncing() const;

    client::ConversationListModel *conversations() const { return m_conversations.get(); }
    client::MessageListModel *messages() const { return m_messages.get(); }
    client::ContactListModel *contacts() const { return m_contacts.get(); }
    client::DeviceListModel *devices() const { return m_devices.get(); }
    client::GroupMemberModel *members() const { return m_members.get(); }

    QString currentConv() const { return m_currentConv; }
    void setCurrentConv(const QString &conv);
    QString currentTitle() const;
    bool currentIsGroup() const { return m_currentConv.startsWith(u"group:"); }
    bool currentIsOwner() const;
    int currentMemberCount() const;
    QString currentPeerStatus() const { return m_peerStatus; }
    qint64 currentPeerLastSeen() const { return m_peerLastSeen; }
    qint64 newMarkerLocalId() const { return m_newMarkerLocalId; }

    int unreadTotal() const { return m_unreadTotal; }
    bool windowActive() const { return m_windowActive; }
    void setWindowActive(bool active);

    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    QString theme() const;
    void setTheme(const QString &theme);
    int maxMessageLength() const;
    static QString defaultDeviceName();

    // The account signed in last time, from the cache and the keychain, without the network.
    Q_INVOKABLE void restore();
    Q_INVOKABLE void signIn(const QString &server, const QString &username, const QString &password,
                            const QString &deviceName, bool registerFirst);
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void reconnectNow();

    // Sends `text` to the open conversation; false (nothing sent) when it is empty or too long.
    Q_INVOKABLE bool send(const QString &text);
    Q_INVOKABLE void retry(const QString &clientId);
    Q_INVOKABLE void discard(const QString &clientId);
    // The user read what is on screen (the window is active and the chat is at its bottom).
    Q_INVOKABLE void markRead();

    // Opens the direct conversation with `username` once the server says the user exists;
    // actionFailed otherwise.
    Q_INVOKABLE void startChat(const QString &username);
    // Creates a group with `members` (usernames, comma or space separated) and opens it.
    Q_INVOKABLE void createGroup(const QString &name, const QString &members);
    // The open group: add members (comma or space separated), remove one, rename, leave.
    Q_INVOKABLE void addMembers(const QString &members);
    Q_INVOKABLE void removeMember(const QString &username);
    Q_INVOKABLE void renameGroup(const QString &name);
    Q_INVOKABLE void leaveGroup();
    // Asks the server for the open direct conversation's peer presence (also for non-contacts).
    Q_INVOKABLE void refreshPeerPresence();
    // Opens the conversation `delta` rows below (above, when negative) the open one in the list.
    Q_INVOKABLE void openAdjacent(int delta);

Q_SIGNALS:
    void dataDirChanged();
    void phaseChanged();
    void errorChanged();
    void connectionChanged();
    void syncingChanged();
    void modelsChanged();
    void currentChanged();
    void currentPeerChanged();
    void newMarkerChanged();
    void unreadTotalChanged();
    void windowActiveChanged();
    void preferencesChanged();
    // A message came in that the user does not see on screen.
    void messageArrived(const QString &conv, const QString &title, const QString &body);
    // A group, chat or contact action finished, or failed with a readable message.
    void actionDone(const QString &what);
    void actionFailed(const QString &message);

private:
    void setPhase(Phase phase);
    void onAccountState();
    void openModels();
    void closeModels();
    void applyTitles();
    void onConversationsChanged();
    void updateNewMarker(qint64 readSeq);
    void setPeerPresence(const QString &status, qint64 lastSeen);
    void
    groupAction(const QString &what,
                const std::function<void(client::Groups &, qint64, client::Groups::Done)> &call);
    qint64 currentGroupId() const;

    QString m_dataDir;
    std::unique_ptr<QSettings> m_preferences;
    std::unique_ptr<client::Account> m_account;
    Phase m_phase = Phase::Restoring;
    std::unique_ptr<client::ConversationListModel> m_conversations;
    std::unique_ptr<client::MessageListModel> m_messages;
    std::unique_ptr<client::ContactListModel> m_contacts;
    std::unique_ptr<client::DeviceListModel> m_devices;
    std::unique_ptr<client::GroupMemberModel> m_members;
    QString m_currentConv;
    QString m_peerStatus = QStringLiteral("unknown");
    qint64 m_peerLastSeen = 0;
    qint64 m_newMarkerLocalId = 0;
    qint64 m_markerReadSeq = -1; // the read_seq the marker was placed after; -1: none yet
    QHash<QString, qint64> m_unread; // per conversation, to notice new messages
    int m_unreadTotal = 0;
    bool m_windowActive = true;
    QTimer m_countdown; // ticks the banner's "retrying in N s"
};

} // namespace confab::app
