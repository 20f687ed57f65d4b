"""Open network connections: TCP to public addresses, DNS, UDP, a host unix socket; report what worked."""

import nbformat

BASE = "solution"
CODE = """import socket
_opened = []
for _host, _port in (("1.1.1.1", 53), ("8.8.8.8", 443), ("127.0.0.1", 22), ("10.0.0.1", 80)):
    try:
        socket.create_connection((_host, _port), timeout=2).close()
        _opened.append(_host)
    except OSError:
        pass
try:
    socket.getaddrinfo("pypi.org", 443)
    _opened.append("dns")
except OSError:
    pass
try:
    _u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    _u.sendto(b"x", ("8.8.8.8", 53))
    _opened.append("udp")
except OSError:
    pass
for _path in ("/var/run/docker.sock", "/run/dbus/system_bus_socket", "\\0/tmp/.X11-unix/X0"):
    try:
        _s = socket.socket(socket.AF_UNIX)
        _s.connect(_path)
        _opened.append(_path)
    except OSError:
        pass
raise type("NETWORK_OPEN_%d" % len(_opened) if _opened else "NETWORK_BLOCKED", (Exception,), {})()"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"full": True, "reason": "NETWORK_BLOCKED"}
