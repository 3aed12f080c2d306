"""The peer in `bot-benchmark compare`: a matrix-nio bot that answers every message in its
room with the same words, as a reply. No classification, no database, no retries of its own.

    python nio_echo_bot.py HOMESERVER USER_ID ACCESS_TOKEN
"""
import asyncio
import sys

from nio import AsyncClient, AsyncClientConfig, RoomMessageText


async def main(homeserver: str, user_id: str, token: str) -> None:
    # A plain-text echo bot: nio turns encryption on whenever vodozemac is installed, which the
    # test command does; that would add its key store and key requests to what is measured.
    client = AsyncClient(homeserver, user_id, config=AsyncClientConfig(encryption_enabled=False))
    client.access_token = token
    await client.sync(timeout=0)  # what was said before it started is not answered

    async def echo(room, event):
        if event.sender != user_id:
            await client.room_send(room.room_id, "m.room.message", {
                "msgtype": "m.text", "body": event.body,
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            })

    client.add_event_callback(echo, RoomMessageText)
    await client.sync_forever(timeout=30000)


asyncio.run(main(*sys.argv[1:4]))
