"""Live mode: a local web server that streams a video block by block and switches prompts on request.

`protocol.py` holds the WebSocket messages, `session.py` one stream (generated in a worker thread and
saved as a normal finished output folder), `server.py` the ASGI app and its command-line entry, and
`page/` the web page. The protocol is described in the project's design notes ("Live mode").
"""
