"""Devices and RAM pages served from Python (system-mode machines).

The guest never calls Python from the worker threads. When it touches a
range mapped with `Machine.map_mmio`, or a RAM page not yet filled while
`Machine.on_page_fault` has a handler, the run stops inside the core with a
request (stop kind "request"), pc at the accessing instruction. `HostBus`
serves the request (calling the device or handler, awaiting it when it is
asynchronous) and the machine's run loop resumes the run, which executes
that instruction again and completes it with the value served: a device
sees every access exactly once.
"""

from __future__ import annotations

import asyncio
import bisect
import inspect
from typing import Any, Awaitable, Callable, List, Optional, Protocol, Tuple, Union

from vmjit import _core

#: Bytes in a RAM page, the unit `Machine.on_page_fault` handlers supply.
PAGE_SIZE = 4096


class Device(Protocol):
    """What `Machine.map_mmio` expects: each method may be a plain function
    or a coroutine function (or return any awaitable)."""

    def read(self, offset: int, size: int) -> Union[int, Awaitable[int]]:
        """The value of the ``size``-byte (1, 2, 4 or 8) register at
        ``offset`` from the mapped base: an int in ``[0, 2**(8*size))``."""
        ...

    def write(self, offset: int, size: int, value: int) -> Optional[Awaitable[None]]:
        """Store ``value`` (unsigned, ``size`` bytes) at ``offset``."""
        ...


#: ``handler(page_address)`` returns the page's 4096 bytes, or None for a
#: zero-filled page; it may be a coroutine function.
PageHandler = Callable[[int], Union[Optional[bytes], Awaitable[Optional[bytes]]]]


class HostBus:
    """The Python side of one machine's physical bus: its mapped devices
    and its page handler, which serve the requests runs stop for."""

    def __init__(self, core: _core.Machine) -> None:
        self._core = core
        self._bases: List[int] = []
        self._devices: List[Tuple[int, Device]] = []
        self._page_handler: Optional[PageHandler] = None

    def map(self, base: int, size: int, device: Device) -> None:
        """Give ``[base, base+size)`` to ``device`` (see `Machine.map_mmio`)."""
        for name in ("read", "write"):
            if not callable(getattr(device, name, None)):
                raise TypeError(f"a device needs a callable {name}() method")
        for name, v in (("base", base), ("size", size)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be an int")
            if not 0 <= v < 1 << 64:
                raise ValueError(f"{name} {v:#x} is outside the 64-bit physical address space")
        self._core.map_host_range(base, size)
        i = bisect.bisect(self._bases, base)
        self._bases.insert(i, base)
        self._devices.insert(i, (base, device))

    def set_page_handler(self, handler: Optional[PageHandler]) -> None:
        """Fill RAM pages from ``handler`` (see `Machine.on_page_fault`)."""
        if handler is not None and not callable(handler):
            raise TypeError("the page fault handler must be callable (or None)")
        self._core.set_lazy_ram(handler is not None)
        self._page_handler = handler

    def serve_sync(self) -> None:
        """Serve the request a run stopped for, on this thread (an
        asynchronous device or handler runs on a private event loop)."""
        kind, size, result = self._call()
        if _is_awaitable(result):
            result = _await_without_loop(result)
        self._complete(kind, size, result)

    async def serve(self) -> None:
        """Serve the request a run stopped for, awaiting an asynchronous
        device or handler."""
        kind, size, result = self._call()
        if _is_awaitable(result):
            result = await result
        self._complete(kind, size, result)

    def _call(self) -> Tuple[str, int, Any]:
        """Start serving the outstanding request: (kind, size, what the
        device or handler returned)."""
        request = self._core.host_request()
        if request is None:
            raise _core.VmError("the machine stopped for a request that is not outstanding")
        kind, addr, size, value = request
        if kind == "page":
            if self._page_handler is None:
                return kind, size, None
            return kind, size, self._page_handler(addr)
        i = bisect.bisect(self._bases, addr) - 1
        base, device = self._devices[i]
        if kind == "read":
            return kind, size, device.read(addr - base, size)
        return kind, size, device.write(addr - base, size, value)

    def _complete(self, kind: str, size: int, result: Any) -> None:
        if kind == "read":
            self._core.complete_read(_read_value(result, size))
        elif kind == "write":
            self._core.complete_write()
        else:
            self._core.fill_page(_page_content(result))


def _is_awaitable(result: Any) -> bool:
    # What plain devices and handlers return is settled without the
    # slower protocol check.
    if result is None or type(result) in (int, bytes):
        return False
    return inspect.isawaitable(result)


def _read_value(value: Any, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"device read() must return an int, not {type(value).__name__}")
    if not 0 <= value < 1 << (8 * size):
        raise ValueError(f"device read() of {size} bytes returned {value:#x}, outside [0, 2**{8 * size})")
    return value


def _page_content(data: Any) -> Optional[bytes]:
    if data is None:
        return None
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"a page fault handler must return bytes or None, not {type(data).__name__}")
    data = bytes(data)
    if len(data) != PAGE_SIZE:
        raise ValueError(f"a page fault handler must return exactly {PAGE_SIZE} bytes, not {len(data)}")
    return data


def _await_without_loop(awaitable: Awaitable[Any]) -> Any:
    """The result of an asynchronous device or handler under `run_sync`:
    awaited on a private event loop, which only works where none runs."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_wait(awaitable))
    if inspect.iscoroutine(awaitable):
        awaitable.close()
    raise RuntimeError(
        "an asynchronous device or page fault handler cannot be served by run_sync() "
        "inside a running event loop: use `await machine.run()`"
    )


async def _wait(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
