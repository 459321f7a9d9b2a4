// Small components on their own: avatar initials and presence, the times, the banner while signed
// out, and the composer's limits.
import QtQuick
import QtTest
import Confab

Item {
    id: root
    width: 400
    height: 400

    Component { id: avatarComponent; Avatar {} }
    Component { id: dotComponent; PresenceDot {} }
    Component { id: composerComponent; Composer { width: 400 } }
    Component { id: sessionComponent; Session {} }

    TestCase {
        name: "Components"
        when: windowShown

        function test_avatarInitials_data() {
            return [
                { tag: "one word", name: "bob", initials: "B" },
                { tag: "two words", name: "Dana Scully", initials: "DS" },
                { tag: "spaces", name: "  weekend trip  ", initials: "WT" },
                { tag: "empty", name: "", initials: "" },
            ]
        }
        function test_avatarInitials(data) {
            const avatar = createTemporaryObject(avatarComponent, root, { name: data.name })
            verify(avatar)
            compare(avatar.children[0].text, data.initials)
        }

        function test_presenceDot_data() {
            return [
                { tag: "online", status: "online", visible: true },
                { tag: "offline", status: "offline", visible: true },
                { tag: "unknown", status: "unknown", visible: false },
            ]
        }
        function test_presenceDot(data) {
            const dot = createTemporaryObject(dotComponent, root, { status: data.status })
            compare(dot.visible, data.visible)
            if (data.status === "online")
                verify(Qt.colorEqual(dot.color, Theme.online))
        }

        function test_timeText() {
            const now = Date.now()
            compare(TimeText.day(now), "Today")
            compare(TimeText.day(now - 24 * 3600 * 1000), "Yesterday")
            compare(TimeText.lastSeen("online", 0), "online")
            compare(TimeText.lastSeen("offline", 0), "")
            compare(TimeText.lastSeen("offline", now - 5 * 60 * 1000), "last seen 5 min ago")
            verify(TimeText.time(now).length >= 4)
        }

        function test_themeFollowsPreference() {
            const before = Theme.preference
            Theme.preference = "dark"
            verify(Theme.dark)
            Theme.preference = "light"
            verify(!Theme.dark)
            verify(!Qt.colorEqual(Theme.background, Theme.text))
            Theme.preference = before
        }

        function test_composerLimits() {
            const session = sessionComponent.createObject(root, { dataDir: testEnv.newDataDir() })
            const composer = composerComponent.createObject(root, { session: session })
            const counter = findChild(composer, "composerCounter")
            const sendButton = findChild(composer, "sendButton")
            compare(session.maxMessageLength, 99999)
            verify(!counter.visible)
            verify(!sendButton.enabled)
            composer.text = "hello"
            verify(sendButton.enabled)
            verify(!counter.visible)
            composer.text = "x".repeat(99000)
            verify(counter.visible)
            verify(sendButton.enabled)
            composer.text = "x".repeat(100000)
            verify(counter.visible)
            verify(composer.tooLong)
            verify(!sendButton.enabled)
            compare(counter.text.replace(/[^0-9\/]/g, ""), "100000/99999")
            composer.text = "   \n  "
            verify(!sendButton.enabled)
            composer.destroy()
            session.destroy()
        }
    }
}
