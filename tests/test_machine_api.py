"""The Machine API: argv, environment, standard streams, memory, stats and
errors, checked through guest programs whose behaviour is known exactly."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from cases import elf_entry, elf_vaddr_of

import vmjit


def lines(data: bytes) -> list:
    return data.decode().splitlines()


def test_run_result_shape(guest, expected):
    r = vmjit.run(guest("hello"), engine="interp", env={})
    assert isinstance(r, vmjit.RunResult)
    assert isinstance(r.stop, vmjit.StopReason)
    assert (r.stdout, r.exit_code) == expected("hello")
    assert r.stderr == b""
    assert (r.stop.kind, r.stop.exit_code, r.stop.signal) == ("exited", 0, None)
    assert (r.stop.fault_addr, r.stop.access) == (None, None)


def test_run_passes_arguments(guest):
    r = vmjit.run(guest("exit_codes"), "exit", env={})
    assert (r.exit_code, r.stdout) == (42, b"calling exit(42)\n")


def test_default_argv_is_the_program_path(guest):
    m = vmjit.Machine.linux(guest("args"), env={}, engine="interp")
    assert m.run_sync().exit_code == 0
    out = lines(m.stdout)
    assert out[:3] == ["argc=1", "argv[0] basename=args", "argv[argc] is NULL: yes"]
    assert "AT_EXECFN equals argv[0]: yes" in out


def test_argv_zero_is_whatever_the_caller_says(guest):
    # As with execv: argv[0] is free, AT_EXECFN is still the program's path.
    m = vmjit.Machine.linux(guest("args"), argv=["renamed", "x y"], env={}, engine="interp")
    m.run_sync()
    out = lines(m.stdout)
    assert out[:4] == ["argc=2", "argv[0] basename=renamed", 'argv[1]="x y"', "argv[argc] is NULL: yes"]
    assert "AT_EXECFN basename=args" in out
    assert "AT_EXECFN equals argv[0]: no" in out


def test_bytes_arguments_pass_unchanged(guest):
    m = vmjit.Machine.linux(guest("args"), argv=[b"args", b"\xc3\xa9t\xc3\xa9"], env={}, engine="interp")
    m.run_sync()
    assert 'argv[1]="\u00e9t\u00e9"' in lines(m.stdout)


def test_env_dict_replaces_the_environment(guest, monkeypatch):
    monkeypatch.setenv("VMJIT_TEST", "from the host")
    m = vmjit.Machine.linux(guest("args"), env={"OTHER": "1"}, engine="interp")
    m.run_sync()
    out = lines(m.stdout)
    assert "environment entries=1" in out
    assert "VMJIT_TEST=(unset)" in out


def test_env_none_is_the_host_environment(guest, monkeypatch):
    monkeypatch.setenv("VMJIT_TEST", "from the host")
    m = vmjit.Machine.linux(guest("args"), engine="interp")
    m.run_sync()
    out = lines(m.stdout)
    assert "VMJIT_TEST=from the host" in out
    assert f"environment entries={len(os.environ)}" in out


def test_auxv_matches_linux(guest):
    m = vmjit.Machine.linux(guest("args"), env={}, engine="interp")
    m.run_sync()
    out = lines(m.stdout)
    for line in ("AT_PAGESZ=4096", "AT_HWCAP=0x112d", "AT_RANDOM non-null: yes",
                 "AT_ENTRY is _start: yes", "AT_PHENT=56", "AT_PHDR lists a PT_LOAD: yes"):
        assert line in out


def test_stdin_bytes_feed_the_guest(guest):
    data = bytes(range(256)) * 20
    r = vmjit.run(guest("upcase"), stdin=data, env={})
    assert r.exit_code == 0
    assert r.stdout == data.upper()
    assert r.stderr == b"upcase: 5120 bytes\n"


def test_empty_stdin_is_eof(guest):
    r = vmjit.run(guest("upcase"), env={})
    assert (r.exit_code, r.stdout, r.stderr) == (0, b"", b"upcase: 0 bytes\n")


def test_output_to_a_file_object(guest):
    out, err = io.BytesIO(), io.BytesIO()
    m = vmjit.Machine.linux(guest("upcase"), env={}, stdin=b"abc", stdout=out, stderr=err, engine="interp")
    assert m.run_sync().exit_code == 0
    assert (out.getvalue(), err.getvalue()) == (b"ABC", b"upcase: 3 bytes\n")
    assert (m.stdout, m.stderr) == (b"", b"")


def test_inherit_writes_to_the_process_stdout(guest, expected):
    # In a child interpreter, so its real file descriptors can be captured.
    code = (
        "import sys, vmjit\n"
        "m = vmjit.Machine.linux(sys.argv[1], env={}, stdout='inherit', stderr='inherit')\n"
        "stop = m.run_sync()\n"
        "assert m.stdout == b'' and m.stderr == b''\n"
        "sys.exit(stop.exit_code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(guest("hello"))], capture_output=True, timeout=120)
    assert (proc.stdout, proc.returncode) == expected("hello")


def test_bad_output_spec_is_rejected(guest):
    with pytest.raises(ValueError):
        vmjit.Machine.linux(guest("hello"), stdout="somewhere")


def test_unknown_engine_is_rejected(guest):
    with pytest.raises(ValueError):
        vmjit.Machine.linux(guest("hello"), engine="warp")


def test_stats(guest):
    m = vmjit.Machine.linux(guest("demo_hello"), env={}, engine="interp")
    m.run_sync()
    stats = m.stats
    assert isinstance(stats, dict)
    # demo_hello runs 11 instructions: 6 to write, 5 to exit (ecalls count).
    assert stats["instructions"] == 11


def test_memory_read_sees_the_loaded_image(guest):
    path = guest("demo_hello")
    m = vmjit.Machine.linux(path, env={}, engine="interp")
    message = b"Hello from RISC-V! This is a RV64GC program running in vmjit.\n"
    addr = elf_vaddr_of(path, message)
    assert m.memory.read(addr, len(message)) == message
    assert m.regs.pc == elf_entry(path)


def test_memory_write_changes_what_the_guest_prints(guest):
    path = guest("demo_hello")
    m = vmjit.Machine.linux(path, env={}, engine="interp")
    addr = elf_vaddr_of(path, b"Hello from")
    m.memory.write(addr, b"Jello")
    assert m.memory.read(addr, 10) == b"Jello from"
    m.run_sync()
    assert m.stdout == b"Jello from RISC-V! This is a RV64GC program running in vmjit.\n"


def test_memory_read_of_unmapped_address_raises(guest):
    m = vmjit.Machine.linux(guest("demo_hello"), env={}, engine="interp")
    with pytest.raises(vmjit.VmError):
        m.memory.read(0xBAD0, 8)


def test_initial_registers(guest):
    m = vmjit.Machine.linux(guest("count_loop"), env={}, engine="interp")
    sp = m.regs.x[2]
    assert sp % 16 == 0 and sp != 0
    # The stack starts with argc, then the argv pointers.
    assert int.from_bytes(m.memory.read(sp, 8), "little") == 1
    argv0 = int.from_bytes(m.memory.read(sp + 8, 8), "little")
    path = os.fsencode(str(guest("count_loop")))
    assert m.memory.read(argv0, len(path) + 1) == path + b"\0"
    assert m.regs.x[0] == 0


def test_a_machine_takes_its_wake_up_descriptor_only_when_it_blocks(guest):
    # Ten thousand idle machines must fit in a process's descriptor limit:
    # the eventfd that lets a cancelled run end a blocked guest's wait is
    # made by the first wait that blocks.
    def descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    before = descriptors()
    idle = [vmjit.Machine.linux(guest("sleeper"), engine="interp") for _ in range(20)]
    per_machine = descriptors() - before
    ran = [vmjit.Machine.linux(guest("sleeper"), engine="interp") for _ in range(20)]
    for m in ran:
        # Up to the sleep: a write that does not block.
        assert m.run_sync(10).kind == "budget"
        assert m.stdout == b"asleep\n"
    assert descriptors() - before == 2 * per_machine
    assert ran[0].run_sync().exit_code == 0
    assert descriptors() - before == 2 * per_machine + 1
    del idle, ran
