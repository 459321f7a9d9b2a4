// The pages against a real confabd and a real cache: sign-in errors, the conversation list,
// sending from the chat view with the keyboard, the group page and the account page.
import QtQuick
import QtQuick.Controls
import QtTest
import Confab

Item {
    id: root
    width: 900
    height: 700

    Component { id: sessionComponent; Session {} }
    Component { id: loginComponent; LoginPage { anchors.fill: parent } }
    Component { id: listComponent; ConversationList { width: 340; height: 600 } }
    Component { id: chatComponent; ChatView { width: 560; height: 600 } }
    Component { id: bannerComponent; ConnectionBanner { width: 400 } }
    Component { id: stackComponent; StackView { anchors.fill: parent } }
    Component { id: groupPageComponent; GroupPage {} }
    Component { id: accountPageComponent; AccountPage {} }
    Component { id: newChatPageComponent; NewChatPage {} }
    Component { id: contactsPageComponent; ContactsPage {} }

    SignalSpy { id: phaseSpy; signalName: "phaseChanged" }

    TestCase {
        name: "Pages"
        when: windowShown

        property int serial: 0
        // Sessions outlive the views of a test (temporary objects go first), so no binding reads
        // a destroyed session; they go when the test case ends.
        property var sessions: []
        function newSession() {
            const session = sessionComponent.createObject(root, { dataDir: testEnv.newDataDir() })
            sessions.push(session)
            return session
        }
        function cleanupTestCase() {
            for (const session of sessions)
                session.destroy()
        }
        function uniqueName(prefix) {
            serial += 1
            return prefix + Date.now() % 100000 + "x" + serial
        }

        function signedInSession(username, register) {
            const session = newSession()
            session.restore()
            tryCompare(session, "phase", Session.SignedOut, 20000)
            session.signIn(testEnv.serverUrl, username, "correct horse battery", "qml test", register)
            tryCompare(session, "phase", Session.SignedIn, 30000)
            tryCompare(session, "connection", "online", 30000)
            return session
        }

        function test_loginSaysWhatIsWrong_data() {
            return [
                { tag: "unreachable", server: "http://127.0.0.1:1", expect: /reach|connect|refused/i },
                { tag: "bad password", server: "", expect: /password|credential|invalid/i },
            ]
        }
        function test_loginSaysWhatIsWrong(data) {
            const session = newSession()
            session.restore()
            tryCompare(session, "phase", Session.SignedOut, 20000)
            const page = createTemporaryObject(loginComponent, root,
                                               { session: session, defaultServer: data.server || testEnv.serverUrl })
            const name = uniqueName("nobody")
            findChild(page, "usernameField").text = name
            findChild(page, "passwordField").text = "correct horse battery"
            const button = findChild(page, "signInButton")
            verify(button.enabled)
            mouseClick(button)
            tryVerify(() => findChild(page, "loginError").visible, 30000)
            verify(findChild(page, "loginError").text.match(data.expect),
                   findChild(page, "loginError").text)
            compare(session.phase, Session.SignedOut)
            verify(button.enabled) // no endless spinner
        }

        function test_registerTakenName() {
            const name = uniqueName("taken")
            signedInSession(name, true)
            const other = newSession()
            other.restore()
            tryCompare(other, "phase", Session.SignedOut, 20000)
            other.signIn(testEnv.serverUrl, name, "correct horse battery", "second", true)
            tryVerify(() => other.error !== "" && other.phase === Session.SignedOut, 30000)
            verify(other.error.match(/taken|exists|use/i), other.error)
        }

        function test_chatSendsWithEnterAndBreaksLinesWithShiftEnter() {
            const alice = signedInSession(uniqueName("alice"), true)
            const bob = signedInSession(uniqueName("bob"), true)
            const list = createTemporaryObject(listComponent, root, { session: alice })
            const chat = createTemporaryObject(chatComponent, root, { session: alice, x: 340 })
            alice.currentConv = "user:" + bob.username
            compare(findChild(chat, "chatTitle").text, bob.username)

            const input = findChild(chat, "composerInput")
            input.forceActiveFocus()
            keyClick("H"); keyClick("i")
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick("B"); keyClick("o"); keyClick("b")
            compare(input.text, "Hi\nBob")
            keyClick(Qt.Key_Return)
            compare(input.text, "")
            tryCompare(alice.messages, "count", 1, 10000)
            tryVerify(() => findChild(chat, "messageBody") && findChild(chat, "messageBody").text === "Hi\nBob", 10000)
            compare(findChild(chat, "messageBody").textFormat, Text.PlainText)

            // The conversation list shows it as one's own, and Bob gets it, unread.
            const rows = findChild(list, "conversationListView")
            tryCompare(rows, "count", 1, 20000)
            // The filter field narrows the list, by name or by message text.
            findChild(list, "filterField").text = "no such chat"
            tryCompare(rows, "count", 0, 10000)
            findChild(list, "filterField").text = bob.username.slice(0, 5)
            tryCompare(rows, "count", 1, 10000)
            findChild(list, "filterField").text = ""
            bob.currentConv = ""
            tryCompare(bob, "unreadTotal", 1, 20000)
            tryCompare(bob.conversations, "count", 1, 20000)

            // A draft stays with its conversation.
            input.text = "draft for bob"
            alice.currentConv = "user:" + alice.username
            compare(input.text, "")
            alice.currentConv = "user:" + bob.username
            compare(input.text, "draft for bob")
            input.text = ""

            // Rich text is shown as it was typed.
            alice.send("<b>not bold</b>")
            tryCompare(alice.messages, "count", 2, 10000)
        }

        function test_olderHistoryLoadsWithoutTheViewJumping() {
            const bob = signedInSession(uniqueName("hist"), true)
            const first = signedInSession(uniqueName("reader"), true)
            const aliceName = first.username
            first.signOut()
            tryCompare(first, "phase", Session.SignedOut, 20000)
            bob.currentConv = "user:" + aliceName
            for (let i = 1; i <= 130; ++i)
                verify(bob.send("message number " + i))
            // Unsent messages stay in the model: all rows sent means all 130 are stored.
            tryVerify(() => {
                const m = bob.messages
                for (let row = 0; row < m.count; ++row) {
                    if (m.data(m.index(row, 0), Qt.UserRole + 9) !== "sent")
                        return false
                }
                return m.count > 0 && m.data(m.index(m.count - 1, 0), Qt.UserRole + 4) === "message number 130"
            }, 60000)

            // A new device of Alice: the newest page comes from the server, older ones too.
            const alice = newSession()
            alice.restore()
            tryCompare(alice, "phase", Session.SignedOut, 20000)
            alice.signIn(testEnv.serverUrl, aliceName, "correct horse battery", "new phone", false)
            tryCompare(alice, "connection", "online", 30000)
            // Alice's cache knows only the last message: the newest page comes from the server.
            const chat = createTemporaryObject(chatComponent, root, { session: alice })
            alice.currentConv = "user:" + bob.username
            tryVerify(() => alice.messages.count >= 50, 30000)
            const list = findChild(chat, "messageList")
            tryVerify(() => list.atYEnd, 10000)

            // Scroll up near the top: an older page is asked for. The row at the top of the view
            // just before the rows go in above it stays where it is on screen.
            let countAtRecord = -1
            let topIndex = -1
            let body = ""
            let yBefore = 0
            alice.messages.rowsAboutToBeInserted.connect((parent, first, last) => {
                if (countAtRecord >= 0 || first !== 0)
                    return
                list.forceLayout()
                countAtRecord = alice.messages.count
                topIndex = list.topRow()
                body = list.itemAtIndex(topIndex).body
                yBefore = list.itemAtIndex(topIndex).mapToItem(list, 0, 0).y
            })
            for (let step = 0; step < 200 && countAtRecord < 0; ++step) {
                mouseWheel(list, list.width / 2, list.height / 2, 0, 120)
                wait(20)
            }
            verify(countAtRecord > 0)
            verify(topIndex >= 0)
            verify(!list.atBottom)
            tryVerify(() => alice.messages.count > countAtRecord && !alice.messages.loadingOlder, 30000)
            wait(100)
            const added = alice.messages.count - countAtRecord
            verify(added > 0)
            const again = list.itemAtIndex(topIndex + added)
            verify(again)
            compare(again.body, body)
            // The view puts it back exactly; a wheel step still under way when the rows come may
            // move the view by one step more (about 80 px), against 50 rows (~2,500 px) that a
            // jump would be.
            fuzzyCompare(again.mapToItem(list, 0, 0).y, yBefore, 100)
        }

        function test_failedMessageOffersRetryAndDelete() {
            const session = signedInSession(uniqueName("erin"), true)
            const chat = createTemporaryObject(chatComponent, root, { session: session })
            session.currentConv = "user:" + uniqueName("nosuchuser")
            verify(session.send("Anyone there?"))
            // The server answers not_found: the message is failed, with the reason.
            tryVerify(() => session.messages.count === 1
                      && session.messages.data(session.messages.index(0, 0), Qt.UserRole + 9) === "failed", 30000)
            verify(session.messages.data(session.messages.index(0, 0), Qt.UserRole + 10) !== "")
            tryVerify(() => findChild(chat, "retryButton") && findChild(chat, "retryButton").visible
                      && findChild(chat, "deleteButton").visible, 10000)
            mouseClick(findChild(chat, "deleteButton"))
            tryCompare(session.messages, "count", 0, 10000)
        }

        function test_contactsPageAddsAndRemoves() {
            const me = signedInSession(uniqueName("frank"), true)
            const friend = signedInSession(uniqueName("grace"), true)
            const stack = createTemporaryObject(stackComponent, root)
            const page = stack.push(contactsPageComponent, { session: me })
            findChild(page, "addContactField").text = friend.username
            mouseClick(findChild(page, "addContactButton"))
            const list = findChild(page, "contactList")
            tryCompare(list, "count", 1, 20000)
            // Presence and last seen: the friend is connected.
            tryVerify(() => me.contacts.data(me.contacts.index(0, 0), Qt.UserRole + 2) === "online", 20000)
            // Unknown users are refused with a reason.
            findChild(page, "addContactField").text = uniqueName("nobody")
            mouseClick(findChild(page, "addContactButton"))
            tryVerify(() => page.failure !== "", 20000)
            me.contacts.remove(friend.username)
            tryCompare(list, "count", 0, 20000)
        }

        function test_bannerHiddenWhileOnline() {
            const session = signedInSession(uniqueName("carol"), true)
            const banner = createTemporaryObject(bannerComponent, root, { session: session })
            verify(!banner.shown)
            compare(banner.implicitHeight, 0)
        }

        function test_groupPageListsMembersWithPresence() {
            const owner = signedInSession(uniqueName("owner"), true)
            const member = signedInSession(uniqueName("member"), true)
            const stack = createTemporaryObject(stackComponent, root)
            const newChat = stack.push(newChatPageComponent, { session: owner })
            findChild(newChat, "groupNameField").text = "Book club"
            findChild(newChat, "groupMembersField").text = member.username
            mouseClick(findChild(newChat, "createGroupButton"))
            tryVerify(() => owner.currentIsGroup, 20000)
            tryCompare(stack, "depth", 0, 10000)
            tryCompare(owner, "currentTitle", "Book club", 20000)
            tryCompare(owner, "currentMemberCount", 2, 20000)
            verify(owner.currentIsOwner)

            const page = stack.push(groupPageComponent, { session: owner })
            const members = findChild(page, "memberList")
            tryCompare(members, "count", 2, 20000)
            // Presence fetched on demand: both are connected.
            tryVerify(() => owner.members.data(owner.members.index(1, 0), Qt.UserRole + 2) === "online", 20000)
        }

        function test_accountPageListsDevicesAndTogglesPreferences() {
            const session = signedInSession(uniqueName("dave"), true)
            const laptop = signedInSession(session.username, false)
            const stack = createTemporaryObject(stackComponent, root)
            const page = stack.push(accountPageComponent, { session: session })
            tryCompare(session.devices, "count", 2, 20000)

            // Log the other device out: it is signed out there, and gone from the list.
            const devices = session.devices
            let other = ""
            for (let row = 0; row < devices.count; ++row) {
                if (!devices.data(devices.index(row, 0), Qt.UserRole + 5))
                    other = devices.data(devices.index(row, 0), Qt.UserRole)
            }
            compare(other, laptop.deviceId)
            devices.remove(other)
            tryCompare(laptop, "phase", Session.SignedOut, 30000)
            verify(laptop.error.length > 0)
            tryCompare(session.devices, "count", 1, 20000)

            const notifications = findChild(page, "notificationsSwitch")
            verify(notifications.checked)
            mouseClick(notifications)
            compare(session.notificationsEnabled, false)
            session.theme = "dark"
            compare(session.theme, "dark")
            mouseClick(findChild(page, "signOutButton"))
            tryCompare(session, "phase", Session.SignedOut, 20000)
        }
    }
}
