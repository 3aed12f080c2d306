#!/usr/bin/env python3
"""A patient on a real, independent encrypting Matrix client (matrix-nio, vodozemac), for the
scenario tests: the bot's encryption is checked against someone else's implementation.

Driven over stdin/stdout, one JSON object per line each way; everything else goes to stderr.

    python nio_patient.py --homeserver URL --user-id @u:server --access-token TOKEN --store DIR

Once it has synced and uploaded its keys it prints {"ok": true, "ready": true, "device_id": ...}
(or {"ok": false, "error": ...} and exits 1). Then, for each command line, one answer line in
the same order; every answer has "ok", an error answers {"ok": false, "error": ...} and the
process goes on. A command's "id", if any, is copied into its answer.

    {"cmd": "open_dm", "invite": "@bot:server"}          -> {"ok", "room_id"}
    {"cmd": "create_room", "name", "invite": [...], "encrypted": true} -> {"ok", "room_id"}
    {"cmd": "wait_joined", "room_id", "user_id", "timeout": 30}
    {"cmd": "send", "room_id", "text"}                   -> {"ok", "event_id", "encrypted"}
    {"cmd": "join", "room_id", "timeout": 30}
    {"cmd": "leave", "room_id"}
    {"cmd": "messages", "room_id"}                       -> {"ok", "events": [...]}
    {"cmd": "invites"}                                   -> {"ok", "room_ids": [...]}
    {"cmd": "quit"}

"messages" lists every timeline event sync has shown, oldest first, each as {"event_id",
"sender", "type", "decrypted", "body", "in_reply_to", "encrypted_on_the_wire"}; an
m.room.encrypted nio cannot open has "type": "undecryptable" (and a "reason" when nio could not
even parse it). Undecryptable events are tried again once new room keys have come.

Trust: like a user who never verifies anyone, the patient shares room keys with every device of
every member, invited ones included (`ignore_unverified_devices=True`); nio then remembers those
devices as "ignored".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from typing import Any

from nio import (
    Api,
    AsyncClient,
    AsyncClientConfig,
    BadEvent,
    Event,
    ForwardedRoomKeyEvent,
    JoinError,
    MatrixRoom,
    MegolmEvent,
    RoomCreateError,
    RoomLeaveError,
    RoomPreset,
    RoomKeyEvent,
    RoomSendError,
    SyncError,
    UnknownBadEvent,
)
from nio.events.invite_events import InviteEvent

log = logging.getLogger("nio_patient")

# What Element X (matrix-rust-sdk's RoomEncryptionEventContent::with_recommended_defaults) puts
# into a new direct chat's initial state.
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2", "rotation_period_ms": 604800000, "rotation_period_msgs": 100},
}


class CommandError(Exception):
    """A command that failed; its message is the answer's "error"."""


class Patient:
    def __init__(self, homeserver: str, user_id: str, token: str, store: str) -> None:
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
        self.client = AsyncClient(homeserver, user_id, store_path=store, config=config)
        self.token = token
        # Every timeline event seen, by room, oldest first; an undecryptable one keeps its
        # MegolmEvent so that a room key arriving later can still open it.
        self.timelines: dict[str, list[dict[str, Any]]] = {}
        self.undecrypted: dict[str, MegolmEvent] = {}
        self.seen: set[str] = set()
        self.new_room_keys = False
        self.sync_task: asyncio.Task | None = None

    async def start(self) -> dict[str, Any]:
        self.client.access_token = self.token
        who = await self.client.whoami()
        if not getattr(who, "device_id", None):
            raise CommandError(f"whoami failed: {who}")
        self.client.restore_login(self.client.user_id, who.device_id, self.token)
        self.client.add_event_callback(self.on_event, (Event, BadEvent, UnknownBadEvent))
        self.client.add_to_device_callback(self.on_room_key, (RoomKeyEvent, ForwardedRoomKeyEvent))
        first = await self.client.sync(timeout=0, full_state=True)
        if isinstance(first, SyncError):
            raise CommandError(f"first sync failed: {first.message}")
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        if self.client.should_query_keys:
            await self.client.keys_query()
        self.sync_task = asyncio.create_task(self.sync_loop())
        return {"ready": True, "user_id": self.client.user_id, "device_id": who.device_id,
                "ed25519": self.client.olm.account.identity_keys["ed25519"] if self.client.olm else None}

    async def sync_loop(self) -> None:
        """nio's own loop: syncs, sends queued to-device messages, uploads, queries and claims
        keys. It ends on an error, so it is restarted."""
        while True:
            try:
                await self.client.sync_forever(timeout=10_000, set_presence="online")
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - keep syncing whatever happened
                log.warning("sync failed, retrying: %r", error)
                await asyncio.sleep(1)

    # Timeline

    async def on_room_key(self, event: RoomKeyEvent) -> None:
        self.new_room_keys = True

    async def on_event(self, room: MatrixRoom, event: Event) -> None:
        if isinstance(event, InviteEvent):  # stripped state of an invite, not a timeline event
            return
        event_id = getattr(event, "event_id", None) or (getattr(event, "source", None) or {}).get("event_id")
        if not event_id or event_id in self.seen:
            return
        self.seen.add(event_id)
        self.timelines.setdefault(room.room_id, []).append(self.describe(event))
        if isinstance(event, MegolmEvent):
            event.room_id = room.room_id
            self.undecrypted[event_id] = event

    @staticmethod
    def describe(event: Event) -> dict[str, Any]:
        source = getattr(event, "source", None) or {}
        content = source.get("content") if isinstance(source.get("content"), dict) else {}
        decrypted = bool(getattr(event, "decrypted", False))
        # An m.room.encrypted nio could not open: no key yet (MegolmEvent), or content nio's
        # schema rejects (it insists on the deprecated sender_key and device_id).
        undecryptable = not decrypted and source.get("type") == "m.room.encrypted"
        relates = content.get("m.relates_to") if isinstance(content.get("m.relates_to"), dict) else {}
        reply = relates.get("m.in_reply_to") if isinstance(relates.get("m.in_reply_to"), dict) else {}
        described = {
            "event_id": getattr(event, "event_id", None) or source.get("event_id"),
            "sender": getattr(event, "sender", None) or source.get("sender"),
            "type": "undecryptable" if undecryptable else source.get("type"),
            "decrypted": decrypted,
            "body": None if undecryptable else content.get("body"),
            "in_reply_to": reply.get("event_id"),
            "encrypted_on_the_wire": undecryptable or decrypted,
        }
        if undecryptable and not isinstance(event, MegolmEvent):
            described["reason"] = f"nio could not parse it: {type(event).__name__}"
        return described

    def retry_decryption(self) -> None:
        """Keys can come after their messages (a later sync, a forwarded key): once new keys
        have come, try the undecryptable events again, as a real client does."""
        if not self.new_room_keys:
            return
        self.new_room_keys = False
        for timeline in self.timelines.values():
            for index, entry in enumerate(timeline):
                megolm = self.undecrypted.get(entry["event_id"])
                if megolm is None:
                    continue
                try:
                    decrypted = self.client.decrypt_event(megolm)
                except Exception:  # noqa: BLE001 - still no key
                    continue
                decrypted.decrypted = True
                timeline[index] = self.describe(decrypted)
                del self.undecrypted[entry["event_id"]]

    # Commands

    async def handle(self, command: dict[str, Any]) -> dict[str, Any]:
        name = command.get("cmd")
        handler = getattr(self, f"cmd_{name}", None) if isinstance(name, str) else None
        if handler is None:
            raise CommandError(f"unknown command: {name!r}")
        return await handler(command)

    async def cmd_open_dm(self, command: dict[str, Any]) -> dict[str, Any]:
        invitee = require(command, "invite")
        response = await self.client.room_create(
            is_direct=True, preset=RoomPreset.trusted_private_chat, invite=[invitee], initial_state=[ENCRYPTION])
        if isinstance(response, RoomCreateError):
            raise CommandError(f"createRoom failed: {response.message}")
        await self.mark_direct(response.room_id, invitee)
        await self.wait_for(lambda: self.joined(response.room_id, self.client.user_id), 30, "the new room in sync")
        return {"room_id": response.room_id}

    async def cmd_create_room(self, command: dict[str, Any]) -> dict[str, Any]:
        """A group room (a community or a staff room), encrypted from its first event when asked."""
        response = await self.client.room_create(
            name=command.get("name"), preset=RoomPreset.private_chat, invite=list(command.get("invite", [])),
            initial_state=[ENCRYPTION] if command.get("encrypted", True) else [])
        if isinstance(response, RoomCreateError):
            raise CommandError(f"createRoom failed: {response.message}")
        await self.wait_for(lambda: self.joined(response.room_id, self.client.user_id), 30, "the new room in sync")
        return {"room_id": response.room_id}

    async def mark_direct(self, room_id: str, user_id: str) -> None:
        """Element X also records the chat in m.direct account data."""
        path = Api._build_path(["user", self.client.user_id, "account_data", "m.direct"], {"access_token": self.token})
        current: dict[str, list[str]] = {}
        response = await self.client.send("GET", path)
        if response.status == 200:
            current = await response.json()
        current.setdefault(user_id, []).append(room_id)
        response = await self.client.send("PUT", path, json.dumps(current), headers={"Content-Type": "application/json"})
        if response.status != 200:
            raise CommandError(f"setting m.direct failed: {response.status} {await response.text()}")

    async def cmd_wait_joined(self, command: dict[str, Any]) -> dict[str, Any]:
        room_id, user_id = require(command, "room_id"), require(command, "user_id")
        await self.wait_for(lambda: self.joined(room_id, user_id), float(command.get("timeout", 30)), f"{user_id} joins {room_id}")
        return {}

    async def cmd_join(self, command: dict[str, Any]) -> dict[str, Any]:
        room_id = require(command, "room_id")
        response = await self.client.join(room_id)
        if isinstance(response, JoinError):
            raise CommandError(f"join failed: {response.message}")
        # Until sync shows the room, nio does not know it is encrypted and would send plaintext.
        await self.wait_for(lambda: self.joined(room_id, self.client.user_id), float(command.get("timeout", 30)), "the joined room in sync")
        return {}

    async def cmd_leave(self, command: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.room_leave(require(command, "room_id"))
        if isinstance(response, RoomLeaveError):
            raise CommandError(f"leave failed: {response.message}")
        return {}

    async def cmd_send(self, command: dict[str, Any]) -> dict[str, Any]:
        room_id, text = require(command, "room_id"), require(command, "text")
        room = self.client.rooms.get(room_id)
        if room is None:
            raise CommandError(f"not in room {room_id} (as far as sync knows)")
        if room.encrypted:
            # nio's room_send only asks for members and device keys the first time; make sure
            # members that joined since, and their devices, are known before the key is shared.
            if not room.members_synced:
                await self.client.joined_members(room_id)
            if self.client.should_query_keys:
                await self.client.keys_query()
        response = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text}, ignore_unverified_devices=True)
        if isinstance(response, RoomSendError):
            raise CommandError(f"send failed: {response.message}")
        return {"event_id": response.event_id, "encrypted": room.encrypted}

    async def cmd_invites(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"room_ids": sorted(self.client.invited_rooms)}

    async def cmd_messages(self, command: dict[str, Any]) -> dict[str, Any]:
        room_id = require(command, "room_id")
        self.retry_decryption()
        return {"events": list(self.timelines.get(room_id, []))}

    async def cmd_quit(self, command: dict[str, Any]) -> dict[str, Any]:
        return {}

    # Helpers

    def joined(self, room_id: str, user_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return room is not None and user_id in room.users and user_id not in room.invited_users

    async def wait_for(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise CommandError(f"timed out after {timeout:g} s waiting for {what}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self.sync_task:
            self.sync_task.cancel()
            try:
                await self.sync_task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        await self.client.close()


def require(command: dict[str, Any], key: str) -> str:
    value = command.get(key)
    if not isinstance(value, str) or not value:
        raise CommandError(f"missing {key!r}")
    return value


def answer(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--homeserver", required=True)
    parser.add_argument("--user-id", required=True)
    parser.add_argument("--access-token", required=True)
    parser.add_argument("--store", required=True, help="folder for nio's encryption store")
    parser.add_argument("--verbose", action="store_true", help="nio's own logs at INFO")
    arguments = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("nio").setLevel(logging.INFO if arguments.verbose else logging.WARNING)

    patient = Patient(arguments.homeserver, arguments.user_id, arguments.access_token, arguments.store)
    try:
        answer({"ok": True, **await patient.start()})
    except Exception as error:  # noqa: BLE001
        log.exception("start failed")
        answer({"ok": False, "error": f"start failed: {error}"})
        await patient.close()
        return 1

    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := await reader.readline():
            if not line.strip():
                continue
            command: Any = None
            try:
                command = json.loads(line)
                if not isinstance(command, dict):
                    raise CommandError("a command is a JSON object")
                result = {"ok": True, **await patient.handle(command)}
            except CommandError as error:
                result = {"ok": False, "error": str(error)}
            except Exception as error:  # noqa: BLE001 - answer, and go on
                log.exception("command failed: %s", line.decode(errors="replace").strip())
                result = {"ok": False, "error": f"{type(error).__name__}: {error}"}
            if isinstance(command, dict) and "id" in command:
                result["id"] = command["id"]
            answer(result)
            if isinstance(command, dict) and command.get("cmd") == "quit":
                break
    finally:
        await patient.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
