"""An independent RFC 8441 client: Debian's python3-h2 (4.1.0) drives an extended CONNECT by hand.

usage: h2_websocket.py PORT PATH MESSAGE
Prints one JSON object: the server's SETTINGS_ENABLE_CONNECT_PROTOCOL, the response status and
subprotocol, the echoed message, and the close code the server answered with.
"""
import json
import os
import socket
import ssl
import struct
import sys

import h2.config
import h2.connection
import h2.events
import h2.settings

port, path, message = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def frame(opcode, payload):
    """A masked client frame, FIN set (RFC 6455 section 5.2; RFC 8441 section 5 keeps masking)."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def parse(buf):
    """One unmasked server frame from buf: (opcode, payload, rest) or None when incomplete."""
    if len(buf) < 2:
        return None
    opcode, n = buf[0] & 0x0F, buf[1] & 0x7F
    at = 2
    if n == 126:
        n, at = struct.unpack("!H", buf[2:4])[0], 4
    elif n == 127:
        n, at = struct.unpack("!Q", buf[2:10])[0], 10
    if len(buf) < at + n:
        return None
    return opcode, buf[at : at + n], buf[at + n :]


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.set_alpn_protocols(["h2"])
sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="localhost")
assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()

conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
conn.initiate_connection()
sock.sendall(conn.data_to_send())

result = {}
stream_id = None
received = b""
sent_close = False


def pump():
    data = sock.recv(65536)
    if not data:
        raise SystemExit(json.dumps({**result, "error": "connection closed"}))
    return conn.receive_data(data)


while stream_id is None or "close" not in result:
    for event in pump():
        if isinstance(event, h2.events.RemoteSettingsChanged) and stream_id is None:
            setting = event.changed_settings.get(h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL)
            result["enable_connect_protocol"] = setting.new_value if setting else None
            stream_id = conn.get_next_available_stream_id()
            conn.send_headers(
                stream_id,
                [
                    (":method", "CONNECT"),
                    (":protocol", "websocket"),
                    (":scheme", "https"),
                    (":path", path),
                    (":authority", "localhost:%d" % port),
                    ("sec-websocket-version", "13"),
                    ("sec-websocket-protocol", "chat, superchat"),
                ],
            )
        elif isinstance(event, h2.events.ResponseReceived):
            headers = {k.decode(): v.decode() for k, v in event.headers}
            result["status"] = int(headers[":status"])
            result["protocol"] = headers.get("sec-websocket-protocol")
            if result["status"] != 200:
                result["close"] = None
                break
            conn.send_data(stream_id, frame(0x1, message.encode()))
        elif isinstance(event, h2.events.DataReceived):
            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            received += event.data
            while True:
                parsed = parse(received)
                if parsed is None:
                    break
                opcode, payload, received = parsed
                if opcode == 0x1:
                    result["echo"] = payload.decode()
                    conn.send_data(stream_id, frame(0x8, struct.pack("!H", 1000) + b"done"))
                    sent_close = True
                elif opcode == 0x8:
                    result["close"] = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    conn.end_stream(stream_id)
        elif isinstance(event, h2.events.StreamReset):
            result["reset"] = event.error_code
            result["close"] = None
    sock.sendall(conn.data_to_send())

conn.close_connection()
sock.sendall(conn.data_to_send())
sock.close()
print(json.dumps(result))
