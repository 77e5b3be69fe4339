#!/usr/bin/python3
"""A real SMTP server for the mail tests (Debian's python3-aiosmtpd) on 127.0.0.1.

Keeps every accepted message as FOLDER/NNNNNN-RECIPIENT.eml (written to a temporary name, then
renamed, so a reader never sees half a message), prints its port on the first line of stdout,
and runs until killed. --fail-first N answers 451 to the first N messages; --reject SUBSTRING
answers 550 to a recipient containing it; --login USER:PASSWORD requires AUTH (in clear: the
test relay has no certificate).
"""
import argparse
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Recorder:
    def __init__(self, folder, fail_first, reject):
        self.folder = folder
        self.fail_left = fail_first
        self.reject = reject
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return "451 4.3.0 Try again later"
            for recipient in envelope.rcpt_tos:
                self.count += 1
                name = "%06d-%s.eml" % (self.count, recipient)
                temporary = os.path.join(self.folder, "." + name)
                with open(temporary, "wb") as file:
                    file.write(envelope.original_content)
                os.rename(temporary, os.path.join(self.folder, name))
        return "250 2.0.0 Kept"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject", default="")
    parser.add_argument("--login", default="")
    arguments = parser.parse_args()
    os.makedirs(arguments.folder, exist_ok=True)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    options = {}
    if arguments.login:
        user, password = arguments.login.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    handler = Recorder(arguments.folder, arguments.fail_first, arguments.reject)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    print(port, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
