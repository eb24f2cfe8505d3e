"""Run a command (``streamlit run ...``) with every network call outside this machine refused
and recorded.

    python tests/browser/netwatch.py LOG streamlit run app.py ...
    python tests/browser/netwatch.py LOG --self-test

A Python audit hook (PEP 578) sees every ``socket.connect``, ``socket.sendto`` and
``socket.getaddrinfo`` the process makes, in any thread, including Streamlit's own start-up
code. Calls to the loopback interface (127.0.0.0/8, ::1, "localhost") and local sockets are
let through; any other is written to LOG as one line ("connect 8.8.8.8:1") and refused with
``PermissionError``, so that nothing leaves the machine during the tests even if the check
fails. ``--self-test`` makes one such call of each kind, to show that they are caught.
"""

from __future__ import annotations

import ipaddress
import os
import runpy
import socket
import sys

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_local_host(host: object) -> bool:
    if host in (None, "", b""):
        return True  # wildcard or local resolution: binding, not connecting
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).split("%")[0]
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name to look up: a DNS query would leave the machine
    return address.is_loopback or address.is_unspecified


def _is_local_address(address: object) -> bool:
    if isinstance(address, str | bytes):
        return True  # AF_UNIX path
    if isinstance(address, tuple) and address:
        return _is_local_host(address[0])
    return True


class _Watch:
    def __init__(self, log_path: str) -> None:
        self.log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def __call__(self, event: str, args: tuple) -> None:
        if event == "socket.connect" or event == "socket.sendto":
            _, address = args[0], args[1]
            if not _is_local_address(address):
                self._refuse(f"{event.split('.')[1]} {address!r}")
        elif event == "socket.getaddrinfo":
            if not _is_local_host(args[0]):
                self._refuse(f"getaddrinfo {args[0]!r}")
        elif event == "socket.gethostbyname" and not _is_local_host(args[0]):
            self._refuse(f"gethostbyname {args[0]!r}")

    def _refuse(self, what: str) -> None:
        os.write(self.log, (what + "\n").encode())
        raise PermissionError(f"netwatch: outbound network call refused: {what}")


def _self_test() -> None:
    attempts = [
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("8.8.8.8", 1)),
        lambda: socket.getaddrinfo("checkip.amazonaws.com", 80),
    ]
    for attempt in attempts:
        try:
            attempt()
        except PermissionError:
            continue
        raise SystemExit("netwatch self-test: a call was not refused")
    print("netwatch self-test: refused and logged")


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    sys.addaudithook(_Watch(sys.argv[1]))
    if sys.argv[2] == "--self-test":
        _self_test()
        return
    module, *rest = sys.argv[2:]
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
