"""A person in the room who speaks Streamlit's own protocol instead of running a browser.

``bench_room.py --browsers K`` gives K people a real Chromium page and the others one of
these: a websocket client that does what Streamlit's frontend does on the wire (the same
BackMsg protobufs, the same upload route with its XSRF token) and decodes every ForwardMsg
the server sends, but draws nothing. It costs the machine a few milliseconds of CPU per
step, where a Chromium page of this app costs seconds, so a room of 30 can be run on a
2-CPU machine with the server getting the CPU it would get if every person's browser ran
on their own computer. Its step time is from the action sent to the server's last message
of the run that drew the step's element: the server's answer, as a browser would receive
it, without that browser's drawing.

It is a benchmark tool, not a test of the app: it reads only what a step needs (headings,
text, alerts, exceptions, the organisation box, the file uploader, the pages).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: Streamlit's names on the wire (streamlit/web/server and the frontend's WebsocketConnection).
STREAM_PATH = "/_stcore/stream"
HEALTH_PATH = "/_stcore/health"
XSRF_COOKIE = "_streamlit_xsrf"
ORGANISATION_LABEL = "Organisation"


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    options: list[str] = field(default_factory=list)


@dataclass
class RunSeen:
    """What one script run sent: its texts, its success alerts, whether it raised."""

    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    success_alerts: list[str] = field(default_factory=list)
    finished: bool = False


def element_texts(element) -> tuple[str, list[str]]:
    """The element's kind and the texts a step may look for in it."""
    kind = element.WhichOneof("type") or ""
    if kind == "heading":
        return kind, [element.heading.body]
    if kind == "markdown":
        return kind, [element.markdown.body]
    if kind == "alert":
        return kind, [element.alert.body]
    if kind == "metric":
        return kind, [element.metric.label, element.metric.body]
    if kind == "exception":
        return kind, [f"{element.exception.type}: {element.exception.message}"]
    return kind, []


class ProtocolPerson:
    """One Streamlit session driven over its websocket, with no browser."""

    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.pages: dict[str, str] = {}  # page title -> page_script_hash
        self.page_hash = ""
        self.session_id = ""
        self.xsrf = ""
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._run = RunSeen()
        self._changed = asyncio.Event()
        self._requests = itertools.count(1)
        self._file_urls: dict[str, object] = {}
        self.widgets: dict[str, Widget] = {}

    async def connect(self) -> None:
        import websockets

        self.xsrf = await asyncio.to_thread(self._xsrf_cookie)
        host = self.base_url.split("://", 1)[1]
        self._socket = await websockets.connect(
            f"ws://{host}{STREAM_PATH}", subprotocols=["streamlit", self.xsrf],
            origin=self.base_url, additional_headers={"Cookie": f"{XSRF_COOKIE}={self.xsrf}"},
            max_size=None, open_timeout=self.timeout, ping_interval=None)
        self._reader = asyncio.create_task(self._read())

    def _xsrf_cookie(self) -> str:
        """The health route sets the XSRF cookie the upload route checks (as the frontend
        calls it before it opens the websocket)."""
        with urllib.request.urlopen(self.base_url + HEALTH_PATH,
                                    timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == XSRF_COOKIE:
                    return rest.split(";", 1)[0]
        return ""

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        async for data in self._socket:
            message = ForwardMsg()
            message.ParseFromString(data)
            self._take(message)
            self._changed.set()

    def _take(self, message) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.session_id = message.new_session.initialize.session_id
        elif kind == "navigation":
            for page in message.navigation.app_pages:
                self.pages[page.page_name] = page.page_script_hash
            self.page_hash = message.navigation.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._take_element(message.delta.new_element)
        elif kind == "script_finished":
            if message.script_finished != message.FINISHED_EARLY_FOR_RERUN:
                self._run.finished = True
        elif kind == "file_urls_response":
            self._file_urls[message.file_urls_response.response_id] = (
                message.file_urls_response)

    def _take_element(self, element) -> None:
        kind, texts = element_texts(element)
        self._run.texts.extend(texts)
        if kind == "exception":
            self._run.exceptions.extend(texts)
        elif kind == "alert" and element.alert.format == element.alert.SUCCESS:
            self._run.success_alerts.extend(texts)
        elif kind in ("selectbox", "file_uploader"):
            proto = getattr(element, kind)
            widget = Widget(proto.id, kind, proto.label,
                            list(proto.options) if kind == "selectbox" else [])
            self.widgets[widget.label] = widget

    async def _send(self, back_msg) -> None:
        await self._socket.send(back_msg.SerializeToString())

    async def rerun(self, page_title: str | None = None, states: list | None = None) -> None:
        """What the frontend sends for a page switch or a widget change (widgets left out
        keep their values on the server, as Streamlit's session state does)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        client_state = back.rerun_script
        if page_title is not None:
            self.page_hash = self.pages[page_title]
            client_state.page_name = ""
        client_state.page_script_hash = self.page_hash
        for state in states or []:
            client_state.widget_states.widgets.append(state)
        self._run = RunSeen()
        await self._send(back)

    async def until(self, check) -> RunSeen:
        """Wait until a finished run shows what ``check`` looks for (a rerun the app asks
        for, such as after an upload, is waited for too); raise on timeout or exception."""
        deadline = time.monotonic() + self.timeout
        while True:
            run = self._run
            if run.exceptions:
                raise RuntimeError(f"exception shown on the page: {run.exceptions[0][:160]}")
            if run.finished and check(run):
                return run
            if run.finished:
                self._run = RunSeen(texts=run.texts, success_alerts=run.success_alerts)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no finished run showing the step's element within "
                                   f"{self.timeout:.0f} s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=left)

    # The six steps of bench_room, each an action and what it must draw.

    async def open_app(self) -> RunSeen:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        await self.connect()
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_script_hash = ""
        self._run = RunSeen()
        await self._send(back)
        return await self.until(lambda run: any(t.startswith("Progression funnel:")
                                                for t in run.texts))

    async def choose_trust(self, code: str) -> RunSeen:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        box = next(widget for label, widget in self.widgets.items()
                   if label.startswith(ORGANISATION_LABEL))
        option = next(option for option in box.options if code in option)
        await self.rerun(states=[WidgetState(id=box.id, string_value=option)])
        return await self.until(lambda run: any(code in t for t in run.texts))

    async def open_page(self, title: str, heading: str, also=lambda text: True) -> RunSeen:
        """Switch page; done when a text starting with ``heading`` (that ``also`` accepts)
        is drawn."""
        await self.rerun(page_title=title)
        return await self.until(lambda run: any(t.startswith(heading) and also(t)
                                                for t in run.texts))

    async def upload(self, path: Path, ready: str) -> RunSeen:
        """Ask for an upload URL, PUT the file there (multipart, with the XSRF token), then
        rerun with the uploader's new state, as the frontend's file uploader does."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.Common_pb2 import FileUploaderState, UploadedFileInfo
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        uploader = next(w for w in self.widgets.values() if w.kind == "file_uploader")
        request_id = str(next(self._requests))
        back = BackMsg()
        back.file_urls_request.request_id = request_id
        back.file_urls_request.file_names.append(path.name)
        back.file_urls_request.session_id = self.session_id
        await self._send(back)
        deadline = time.monotonic() + self.timeout
        while request_id not in self._file_urls:
            if time.monotonic() > deadline:
                raise TimeoutError("no upload URL from the server")
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), timeout=self.timeout)
        urls = self._file_urls.pop(request_id).file_urls[0]
        data = path.read_bytes()
        await asyncio.to_thread(self._put, urls.upload_url, path.name, data)
        info = UploadedFileInfo(name=path.name, size=len(data), file_id=urls.file_id,
                                file_urls=urls)
        state = WidgetState(id=uploader.id,
                            file_uploader_state_value=FileUploaderState(
                                uploaded_file_info=[info]))
        await self.rerun(states=[state])
        return await self.until(lambda run: any(t.startswith(ready)
                                                for t in run.success_alerts))

    def _put(self, upload_url: str, name: str, data: bytes) -> None:
        boundary = "----roomprotocolboundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + (
                    f"\r\n--{boundary}--\r\n").encode()
        url = upload_url if "://" in upload_url else self.base_url + upload_url
        request = urllib.request.Request(
            url, data=body, method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                     "X-Xsrftoken": self.xsrf, "Cookie": f"{XSRF_COOKIE}={self.xsrf}",
                     "Origin": self.base_url})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            if response.status >= 300:
                raise RuntimeError(f"upload refused: HTTP {response.status}")
