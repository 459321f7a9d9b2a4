// Keeps an idle connection's socket buffers from holding memory.
//
// QAbstractSocket keeps one chunk of its read buffer (16 KiB) and one of its write buffer
// (32 KiB) for reuse once they are empty. With 19,000 mostly idle connections, the pages those
// chunks touched were the largest share of the server's memory per connection. Qt 6.4 has no
// public setting for the chunk size, so this reaches into QIODevicePrivate when Qt's private
// headers were found at build time (CONFAB_HAVE_QT_PRIVATE), and does nothing otherwise.
#pragma once

class QAbstractSocket;

namespace confab {

// Makes the socket free its buffers' memory as soon as they are empty. Returns false where the
// build cannot do it.
bool releaseIdleSocketBuffers(QAbstractSocket *socket);

} // namespace confab
