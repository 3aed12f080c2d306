#!/usr/bin/env python3
"""supportbot's cost of end-to-end encryption (issue 13), measured on Synapse against one
`supportbot run`, with matrix-nio (vodozemac) as the patients' client.

Run it through `bash Benchmarks/encrypted-reply-time.sh [options]`, which builds the bot, starts
Synapse and installs matrix-nio[e2e]; directly:

    .venv/bin/python Benchmarks/encrypted_reply_time.py --homeserver URL \
        --synapse-dir .build-synapse --bot .build/release/supportbot [options]

What it measures, in this order, against the same bot:

1. Reply time. --patients encrypted direct chats (opened as Element X opens one: is_direct,
   trusted_private_chat, m.room.encryption in the initial state, then m.direct) and as many
   plaintext direct chats (the same without m.room.encryption). Each chat's first message is
   answered and left out: in an encrypted chat it claims one-time keys and shares room keys both
   ways. Then --messages rounds: each round every chat sends one message, encrypted and plaintext
   chats alternating, one message every --pace ms, so the bot never has a queue. A latency is
   from just before the patient's send to the moment the patient's sync delivers the bot's reply
   (m.relates_to.m.in_reply_to.event_id is the message), decrypted for the encrypted chats.
2. CPU a message: the bot's utime+stime (/proc/PID/stat) across a plaintext-only phase, then an
   encrypted-only phase, each --messages messages from each of --patients chats at the same
   pace, divided by the messages sent.
3. Memory: --chats more encrypted direct chats, each a new user whose nio client opens the chat,
   sends one message, waits for the reply and closes (--concurrency at a time); then, once the
   bot is idle, its RssAnon and RssFile (/proc/PID/status).

Progress goes to standard error; the table to standard output.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

import aiohttp
import yaml
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ForwardedRoomKeyEvent,
    MegolmEvent,
    RoomCreateError,
    RoomKeyEvent,
    RoomMessage,
    RoomPreset,
    RoomSendError,
)
from nio.store import SqliteMemoryStore

# What Element X puts into a new direct chat's initial state (as Tests/.../Peers/nio_patient.py).
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2", "rotation_period_ms": 604800000, "rotation_period_msgs": 100},
}
# A message the bot answers in a direct chat.
TEXT = "i cant sleep, the pain keeps me up at night, night {}"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The bot's process


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far: fields 14 and 15 of /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon and RssFile of a process, in kB."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                values[key] = int(value.split()[0])
    return values


async def wait_until_idle(pid: int, most: float = 60) -> float:
    """Waits until the bot used under 20 ms of CPU in a second (at most `most` seconds); returns
    the seconds waited."""
    began = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - began < most:
        await asyncio.sleep(1)
        now = cpu_seconds(pid)
        if now - last < 0.02:
            break
        last = now
    return time.monotonic() - began


# ---------------------------------------------------------------------------------------------
# Synapse


class Synapse:
    """Users made with the shared-secret admin API (as `synapse.sh register`, without its
    separate login: the registration answers with an access token and device)."""

    def __init__(self, url: str, synapse_dir: str) -> None:
        self.url = url.rstrip("/")
        with open(os.path.join(synapse_dir, "homeserver.yaml"), encoding="utf-8") as f:
            config = yaml.safe_load(f)
        secret = config.get("registration_shared_secret")
        if not secret:
            with open(config["registration_shared_secret_path"], encoding="utf-8") as f:
                secret = f.read().strip()
        self.secret = secret.encode()
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Synapse:
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        return self

    async def __aexit__(self, *_) -> None:
        await self.http.close()

    async def register(self, name: str) -> tuple[str, str, str]:
        """A new user; returns (user id, access token, device id)."""
        async with self.http.get(f"{self.url}/_synapse/admin/v1/register") as response:
            nonce = (await response.json())["nonce"]
        password = "pw-" + name
        mac = hmac.new(self.secret, b"\x00".join(x.encode() for x in (nonce, name, password, "notadmin")), hashlib.sha1)
        body = {"nonce": nonce, "username": name, "password": password, "admin": False, "mac": mac.hexdigest()}
        async with self.http.post(f"{self.url}/_synapse/admin/v1/register", json=body) as response:
            answer = await response.json()
        if "access_token" not in answer:
            raise RuntimeError(f"registering {name}: {answer}")
        return answer["user_id"], answer["access_token"], answer["device_id"]

    async def call(self, method: str, path: str, token: str, body: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"}
        async with self.http.request(method, self.url + path, json=body, headers=headers) as response:
            answer = await response.json()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status} {answer}")
            return answer

    async def wait_for_device(self, user_id: str, token: str, timeout: float = 120) -> None:
        """Until `user_id` has a device in /keys/query signed by its self-signing key: the last
        step of the bot's start (BotDevice.publish), after its one-time and fallback keys."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            keys = await self.call("POST", "/_matrix/client/v3/keys/query", token, {"device_keys": {user_id: []}})
            for device in (keys.get("device_keys", {}).get(user_id) or {}).values():
                if len(device.get("signatures", {}).get(user_id, {})) >= 2:
                    return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{user_id} published no cross-signed device within {timeout:g} s")


# ---------------------------------------------------------------------------------------------
# Patients


class Patient:
    """One patient: a nio client, its direct chat with the bot, and its sync loop, which notes
    when the bot's reply to each message arrives (decrypted, in an encrypted chat)."""

    def __init__(self, synapse: Synapse, user: tuple[str, str, str], bot_id: str, encrypted: bool) -> None:
        user_id, token, device_id = user
        self.synapse, self.token, self.bot_id, self.encrypted = synapse, token, bot_id, encrypted
        config = AsyncClientConfig(encryption_enabled=encrypted, store=SqliteMemoryStore, store_sync_tokens=False)
        self.client = AsyncClient(synapse.url, user_id, device_id=device_id, config=config)
        self.client.restore_login(user_id, device_id, token)
        self.room_id = ""
        self.replies: dict[str, float] = {}  # message event id -> when its reply arrived
        self.waiting: dict[str, asyncio.Future] = {}
        self.undecrypted: list[MegolmEvent] = []  # the bot's events whose room key has not come
        self.task: asyncio.Task | None = None
        self.client.add_event_callback(self.on_message, (RoomMessage, MegolmEvent))
        self.client.add_to_device_callback(self.on_room_key, (RoomKeyEvent, ForwardedRoomKeyEvent))

    async def start(self) -> None:
        await self.client.sync(timeout=0, full_state=True)
        if self.encrypted and self.client.should_upload_keys:
            await self.client.keys_upload()
        self.task = asyncio.create_task(self.sync_loop())

    async def sync_loop(self) -> None:
        """nio's loop (it also sends to-device messages and uploads, queries and claims keys);
        restarted when it fails."""
        while True:
            try:
                await self.client.sync_forever(timeout=30_000)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - keep syncing
                progress(f"{self.client.user_id}: sync failed, retrying: {error!r}")
                await asyncio.sleep(1)

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except BaseException:  # noqa: BLE001
                pass
        await self.client.close()

    # Replies

    def note_reply(self, event, at: float) -> None:
        relates = (event.source.get("content") or {}).get("m.relates_to") or {}
        target = (relates.get("m.in_reply_to") or {}).get("event_id")
        if target and target not in self.replies:
            if self.encrypted != bool(getattr(event, "decrypted", False)):  # not counted as answered
                progress(f"the reply to {target} was {'not ' if self.encrypted else ''}encrypted")
                return
            self.replies[target] = at
            future = self.waiting.pop(target, None)
            if future and not future.done():
                future.set_result(at)

    async def on_message(self, room, event) -> None:
        at = time.monotonic()
        if event.sender != self.bot_id or room.room_id != self.room_id:
            return
        if isinstance(event, MegolmEvent):  # its key may come in a later sync
            event.room_id = room.room_id
            self.undecrypted.append(event)
        else:
            self.note_reply(event, at)

    async def on_room_key(self, _event) -> None:
        at = time.monotonic()
        still = []
        for event in self.undecrypted:
            try:
                self.note_reply(self.client.decrypt_event(event), at)
            except Exception:  # noqa: BLE001 - not this key
                still.append(event)
        self.undecrypted = still

    # The chat

    async def open_chat(self, timeout: float) -> None:
        """A direct chat with the bot, as Element X opens one; returns once the bot has joined."""
        response = await self.client.room_create(
            is_direct=True, preset=RoomPreset.trusted_private_chat, invite=[self.bot_id],
            initial_state=[ENCRYPTION] if self.encrypted else [])
        if isinstance(response, RoomCreateError):
            raise RuntimeError(f"createRoom failed: {response.message}")
        self.room_id = response.room_id
        # Element X also records the chat in m.direct account data.
        path = f"/_matrix/client/v3/user/{quote(self.client.user_id, safe='')}/account_data/m.direct"
        await self.synapse.call("PUT", path, self.token, {self.bot_id: [self.room_id]})
        deadline = time.monotonic() + timeout
        while not self.bot_joined():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not join {self.room_id} within {timeout:g} s")
            await asyncio.sleep(0.05)

    def bot_joined(self) -> bool:
        room = self.client.rooms.get(self.room_id)
        return room is not None and self.bot_id in room.users and self.bot_id not in room.invited_users

    async def send(self, text: str) -> tuple[str, float]:
        """Sends a message; returns its event id and when the send began."""
        room = self.client.rooms[self.room_id]
        if room.encrypted != self.encrypted:
            raise RuntimeError(f"{self.room_id} is {'not ' if self.encrypted else ''}encrypted")
        if self.encrypted:
            # nio asks for members and device keys only at its first send into a room.
            if not room.members_synced:
                await self.client.joined_members(self.room_id)
            if self.client.should_query_keys:
                await self.client.keys_query()
        began = time.monotonic()
        response = await self.client.room_send(
            self.room_id, "m.room.message", {"msgtype": "m.text", "body": text}, ignore_unverified_devices=True)
        if isinstance(response, RoomSendError):
            raise RuntimeError(f"send failed: {response.message}")
        return response.event_id, began

    async def reply(self, event_id: str, timeout: float) -> float:
        """When the reply to `event_id` arrived; waits up to `timeout` seconds."""
        if event_id in self.replies:
            return self.replies[event_id]
        future = self.waiting.setdefault(event_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(asyncio.shield(future), timeout)


# ---------------------------------------------------------------------------------------------
# Phases


@dataclass
class Sent:
    patient: Patient
    event_id: str
    began: float


@dataclass
class Result:
    """What one kind of chat measured in one phase."""
    latencies: list[float] = field(default_factory=list)  # ms
    sent: int = 0
    cpu: float = math.nan  # bot's CPU seconds across the phase

    def percentile(self, p: float) -> float:
        """Nearest rank, as bot-benchmark's percentile."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


async def paced(patients_by_round: list[Patient], rounds: int, pace: float, label: str, counter: list[int]) -> list[Sent]:
    """`rounds` times, one message from each patient in turn, one every `pace` seconds; a send
    runs beside the pacing, so a slow one does not delay the next."""
    sends: list[asyncio.Task] = []

    async def one(patient: Patient, text: str) -> Sent:
        event_id, began = await patient.send(text)
        return Sent(patient, event_id, began)

    next_at = time.monotonic()
    for round_ in range(rounds):
        for patient in patients_by_round:
            counter[0] += 1
            sends.append(asyncio.create_task(one(patient, TEXT.format(f"{label} {round_}-{counter[0]}"))))
            next_at += pace
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    return list(await asyncio.gather(*sends))


async def collect(sent: list[Sent], patience: float, results: dict[bool, Result]) -> None:
    """Waits for the replies to `sent` (at most `patience` seconds after the last send) and
    files each latency under its chat's kind."""
    deadline = time.monotonic() + patience
    for item in sent:
        results[item.patient.encrypted].sent += 1
        try:
            at = await item.patient.reply(item.event_id, max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            continue
        results[item.patient.encrypted].latencies.append((at - item.began) * 1000)


async def first_messages(patients: list[Patient], patience: float) -> None:
    """Each chat's first message, answered and left out of every figure."""
    sent = await asyncio.gather(*(patient.send(TEXT.format("first")) for patient in patients))
    await asyncio.gather(*(patient.reply(event_id, patience) for patient, (event_id, _) in zip(patients, sent)))


async def memory_chats(synapse: Synapse, bot_id: str, count: int, concurrency: int, patience: float, suffix: str) -> tuple[int, list[str]]:
    """`count` encrypted direct chats, each a new user that opens it, sends one message, waits
    for the reply and closes its client. Returns (chats answered, errors)."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)
    answered, errors = 0, []
    began = time.monotonic()

    async def worker() -> None:
        nonlocal answered
        while not queue.empty():
            index = queue.get_nowait()
            patient = None
            try:
                user = await synapse.register(f"e2e-mem-{suffix}-{index}")
                patient = Patient(synapse, user, bot_id, encrypted=True)
                await patient.start()
                await patient.open_chat(patience)
                event_id, _ = await patient.send(TEXT.format(f"chat {index}"))
                await patient.reply(event_id, patience)
                answered += 1
            except Exception as error:  # noqa: BLE001 - count it and go on
                errors.append(f"chat {index}: {error!r}")
                progress(f"chat {index} failed: {error!r}")
            finally:
                if patient:
                    await patient.close()
            done = answered + len(errors)
            if done % 50 == 0 or done == count:
                elapsed = time.monotonic() - began
                progress(f"memory phase: {done} of {count} chats ({len(errors)} failed), {elapsed:.0f} s, {done / elapsed:.1f} chats/s")

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return answered, errors


# ---------------------------------------------------------------------------------------------
# The bot


def launch_bot(binary: str, url: str, bot: tuple[str, str, str], community: str, ambassadors: str, intents: str, folder: str) -> subprocess.Popen:
    """`supportbot run` with a configuration and database of its own in `folder`; every message
    answered (no cooldown)."""
    bot_id, token, _ = bot
    with open(os.path.join(folder, "token"), "w", encoding="utf-8") as f:
        f.write(token)
    with open(os.path.join(folder, "supportbot.yaml"), "w", encoding="utf-8") as f:
        f.write(f"""homeserver: {url}
user_id: "{bot_id}"
access_token_file: token
rooms: {{community: ["{community}"], ambassadors: "{ambassadors}"}}
intents: {intents}
database: bot.sqlite
reply: {{cooldown_seconds: 0}}
""")
    log = open(os.path.join(folder, "bot.log"), "wb")  # noqa: SIM115 - the bot's for its lifetime
    return subprocess.Popen([binary, "run", "--config", os.path.join(folder, "supportbot.yaml"), "--log-level", "warning"],
                            cwd=folder, stdout=subprocess.DEVNULL, stderr=log)


def stop_bot(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------------


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homeserver", required=True, help="Synapse's base URL")
    parser.add_argument("--synapse-dir", required=True, help="Synapse's data folder (for the registration shared secret)")
    parser.add_argument("--bot", required=True, help="the supportbot binary")
    parser.add_argument("--intents", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Intents"))
    parser.add_argument("--patients", type=int, default=10, help="chats of each kind in the reply-time and CPU phases (default 10)")
    parser.add_argument("--messages", type=int, default=12, help="measured messages from each chat in each phase (default 12)")
    parser.add_argument("--pace", type=int, default=300, help="milliseconds between one message and the next (default 300)")
    parser.add_argument("--chats", type=int, default=1000, help="encrypted chats in the memory phase (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="memory-phase chats under way at once (default 8)")
    parser.add_argument("--patience", type=float, default=60, help="seconds to wait for a reply (default 60)")
    parser.add_argument("--keep", action="store_true", help="keep the bot's folder (configuration, database, log)")
    args = parser.parse_args()
    # nio warns "Missing session for device" before it claims the keys to make one.
    logging.getLogger("nio").setLevel(logging.ERROR)

    suffix = uuid.uuid4().hex[:6]
    folder = tempfile.mkdtemp(prefix=f"e2e-bench-{suffix}-")
    pace = args.pace / 1000
    timings: list[tuple[str, float]] = []
    bot = None
    async with Synapse(args.homeserver, args.synapse_dir) as synapse:
        try:
            # The bot, its rooms, and its device published.
            mark = time.monotonic()
            bot_user = await synapse.register(f"e2e-bot-{suffix}")
            bot_id = bot_user[0]
            _, observer_token, _ = await synapse.register(f"e2e-observer-{suffix}")
            community = (await synapse.call("POST", "/_matrix/client/v3/createRoom", observer_token, {"preset": "public_chat", "name": "E2E benchmark community"}))["room_id"]
            ambassadors = (await synapse.call("POST", "/_matrix/client/v3/createRoom", observer_token, {"preset": "public_chat", "name": "E2E benchmark ambassadors"}))["room_id"]
            bot = launch_bot(os.path.abspath(args.bot), synapse.url, bot_user, community, ambassadors, os.path.abspath(args.intents), folder)
            await synapse.wait_for_device(bot_id, observer_token)
            memory_start = memory(bot.pid)
            progress(f"bot {bot_id} (pid {bot.pid}) is up with its device published; its folder: {folder}")

            # The chats, their first messages.
            users = await asyncio.gather(*(synapse.register(f"e2e-{kind}-{suffix}-{i}") for kind in ("enc", "plain") for i in range(args.patients)))
            encrypted = [Patient(synapse, user, bot_id, True) for user in users[:args.patients]]
            plaintext = [Patient(synapse, user, bot_id, False) for user in users[args.patients:]]
            everyone = encrypted + plaintext
            await asyncio.gather(*(patient.start() for patient in everyone))
            await asyncio.gather(*(patient.open_chat(args.patience) for patient in everyone))
            await first_messages(everyone, args.patience)
            timings.append(("setup: bot, chats, first messages", time.monotonic() - mark))
            progress(f"{len(encrypted)} encrypted and {len(plaintext)} plaintext direct chats open, first messages answered")

            counter = [0]
            # 1. Reply time, interleaved.
            mark = time.monotonic()
            interleaved = [patient for pair in zip(encrypted, plaintext) for patient in pair]
            cpu_before = cpu_seconds(bot.pid)
            sent = await paced(interleaved, args.messages, pace, "mixed", counter)
            replies = {True: Result(), False: Result()}
            await collect(sent, args.patience, replies)
            mixed_cpu = cpu_seconds(bot.pid) - cpu_before
            timings.append((f"1. reply time, interleaved ({len(sent)} messages)", time.monotonic() - mark))
            progress(f"reply-time phase done: {len(sent)} messages")

            # 2. CPU a message, one kind at a time.
            cpu = {}
            for kind, patients in ((False, plaintext), (True, encrypted)):
                mark = time.monotonic()
                await wait_until_idle(bot.pid)
                before = cpu_seconds(bot.pid)
                sent = await paced(patients, args.messages, pace, "cpu", counter)
                cpu[kind] = Result()
                await collect(sent, args.patience, cpu)
                cpu[kind].cpu = cpu_seconds(bot.pid) - before
                name = "encrypted" if kind else "plaintext"
                timings.append((f"2. CPU, {name} only ({len(sent)} messages)", time.monotonic() - mark))
                progress(f"CPU phase, {name} only, done: {len(sent)} messages")
            await asyncio.gather(*(patient.close() for patient in everyone))

            # 3. Memory after many encrypted chats.
            mark = time.monotonic()
            await wait_until_idle(bot.pid)
            memory_before = memory(bot.pid)
            answered, errors = await memory_chats(synapse, bot_id, args.chats, args.concurrency, args.patience, suffix)
            chats_seconds = time.monotonic() - mark
            idle = await wait_until_idle(bot.pid)
            memory_after = memory(bot.pid)
            timings.append((f"3. memory: {args.chats} encrypted chats", chats_seconds))
            timings.append(("   then until the bot was idle", idle))
        finally:
            if bot:
                stop_bot(bot)
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)

    # The table.
    def row(name: str, *cells: str) -> None:
        print(f"{name:<44}" + "".join(f"{cell:<16}" for cell in cells))

    enc, plain = replies[True], replies[False]
    print()
    print(f"supportbot on Synapse at {synapse.url}, {os.cpu_count()} cores; {args.patients} chats of each kind, "
          f"{args.messages} measured messages each, {args.pace} ms apart")
    row("", "plaintext DM", "encrypted DM")
    print(f"1. reply time, interleaved, first message of each chat left out")
    row("  answered", f"{len(plain.latencies)} of {plain.sent}", f"{len(enc.latencies)} of {enc.sent}")
    for p in (50, 90, 99):
        row(f"  p{p} (ms)", ms(plain.percentile(p)), ms(enc.percentile(p)))
    ratio = enc.percentile(50) / plain.percentile(50)
    print(f"  median ratio, encrypted / plaintext: {ratio:.2f} (target ≤ 1.2: {'met' if ratio <= 1.2 else 'NOT met'})")
    print(f"  bot CPU a message across this phase, both kinds: {ms(mixed_cpu * 1000 / max(1, enc.sent + plain.sent))} ms")
    print("2. bot CPU a message, one kind at a time")
    row("  messages (answered)", f"{cpu[False].sent} ({len(cpu[False].latencies)})", f"{cpu[True].sent} ({len(cpu[True].latencies)})")
    row("  CPU a message (ms)", ms(cpu[False].cpu * 1000 / max(1, cpu[False].sent)), ms(cpu[True].cpu * 1000 / max(1, cpu[True].sent)))
    row("  reply p50 / p99 (ms)", f"{ms(cpu[False].percentile(50))} / {ms(cpu[False].percentile(99))}",
        f"{ms(cpu[True].percentile(50))} / {ms(cpu[True].percentile(99))}")
    print(f"3. bot memory at rest (MB), {args.chats} more encrypted chats ({answered} answered)")
    row("", "at start", "before", "after")
    for key in ("RssAnon", "RssFile", "VmRSS", "VmHWM"):
        row(f"  {key}", *(f"{m[key] / 1024:.1f}" for m in (memory_start, memory_before, memory_after)))
    if args.chats:
        grew = (memory_after["RssAnon"] - memory_before["RssAnon"]) / args.chats
        row("  RssAnon growth a chat (kB)", "", "", f"{grew:.1f}")
    print("time taken")
    for name, seconds in timings:
        row(f"  {name}", minutes(seconds))
    if errors:
        print(f"{len(errors)} memory-phase chats failed; the first: {errors[0]}")
    return 0 if not errors and len(enc.latencies) == enc.sent and len(plain.latencies) == plain.sent else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
