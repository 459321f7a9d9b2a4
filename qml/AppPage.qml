// A page that slides in over the chats (new chat, group, contacts, account): it knows the session
// and how to close itself.
import QtQuick
import QtQuick.Controls
import Confab

Page {
    id: page
    property Session session

    background: Rectangle { color: Theme.background }

    // StackView.pop() keeps the last page: the first one pushed is cleared instead.
    function close() {
        const view = StackView.view
        if (!view)
            return
        if (view.depth > 1)
            view.pop()
        else
            view.clear()
    }
}
