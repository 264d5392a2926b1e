# A real legacy client for trace recording: the ruby `websocket` gem (imanel/websocket-ruby) speaking
# draft 75, 76, 7, 8 or 13. Usage: ruby record-ruby-client.rb URL VERSION [PROTOCOL] -- MESSAGE...
# Sends each MESSAGE as a text frame, waits for the echoes, then closes (75: TCP close; others: close frame).
require 'socket'
require 'uri'
require 'websocket'

url, version, *rest = ARGV
sep = rest.index('--') || rest.length
protocols = rest[0...sep]
messages = rest[(sep + 1)..] || []
version = Integer(version)
uri = URI.parse(url)
hs = WebSocket::Handshake::Client.new(url: url, version: version, protocols: protocols.empty? ? nil : protocols,
                                      headers: { 'Origin' => "http://#{uri.host}:#{uri.port}" })
sock = TCPSocket.new(uri.host, uri.port)
sock.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, 1)
sock.write(hs.to_s)
hs << sock.readpartial(4096) until hs.finished?
abort "handshake refused: #{hs.error}" unless hs.valid?
incoming = WebSocket::Frame::Incoming::Client.new(version: hs.version)
incoming << hs.leftovers.to_s
received = []
messages.each do |m|
  sock.write(WebSocket::Frame::Outgoing::Client.new(version: hs.version, data: m, type: :text).to_s)
end
deadline = Time.now + 3
while received.length < messages.length && Time.now < deadline
  while (f = incoming.next)
    received << f.data if f.type == :text
  end
  break if received.length >= messages.length
  incoming << sock.readpartial(4096) if IO.select([sock], nil, nil, 0.2)
end
if version == 75
  sock.close
else
  close = WebSocket::Frame::Outgoing::Client.new(version: hs.version, type: :close,
                                                 code: version >= 7 ? 1000 : nil, data: '')
  sock.write(close.to_s)
  begin
    sock.readpartial(4096) while IO.select([sock], nil, nil, 1)
  rescue EOFError, Errno::ECONNRESET
    nil
  end
  sock.close
end
puts received.inspect
