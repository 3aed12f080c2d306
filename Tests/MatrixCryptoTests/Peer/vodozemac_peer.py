"""A vodozemac peer for MatrixCrypto's interop tests.

Reads one JSON command a line on stdin and answers one JSON line on stdout:
{"ok": true, ...} or {"ok": false, "error": "..."}. Accounts and sessions live in
memory under names the test chooses. Bytes travel as unpadded base64, text as UTF-8.
"""
import base64
import json
import sys

import vodozemac as v

accounts = {}
olm_sessions = {}
group_sessions = {}
inbound_group_sessions = {}


def b64(data):
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text):
    return base64.b64decode(text + "=" * (-len(text) % 4))


def olm_message(command):
    return v.AnyOlmMessage.from_parts(command["type"], unb64(command["body"]))


def olm_reply(message):
    kind, body = message.to_parts()
    return {"type": kind, "body": b64(body)}


def account_new(c):
    account = accounts[c["account"]] = v.Account()
    return {"curve25519": account.curve25519_key.to_base64(), "ed25519": account.ed25519_key.to_base64()}


def account_one_time_keys(c):
    account = accounts[c["account"]]
    account.generate_one_time_keys(c["count"])
    keys = {key_id: key.to_base64() for key_id, key in account.one_time_keys.items()}
    account.mark_keys_as_published()
    return {"keys": keys}


def account_fallback_key(c):
    account = accounts[c["account"]]
    account.generate_fallback_key()
    keys = {key_id: key.to_base64() for key_id, key in account.fallback_key.items()}
    account.mark_keys_as_published()
    return {"keys": keys}


def account_sign(c):
    return {"signature": accounts[c["account"]].sign(c["message"].encode()).to_base64()}


def verify(c):
    key = v.Ed25519PublicKey.from_base64(c["key"])
    try:
        key.verify_signature(c["message"].encode(), v.Ed25519Signature.from_base64(c["signature"]))
        return {"valid": True}
    except v.SignatureException:
        return {"valid": False}


def olm_outbound(c):
    session = accounts[c["account"]].create_outbound_session(
        v.Curve25519PublicKey.from_base64(c["identity_key"]), v.Curve25519PublicKey.from_base64(c["one_time_key"])
    )
    olm_sessions[c["session"]] = session
    return {"session_id": session.session_id}


def olm_inbound(c):
    pre_key = olm_message(c).to_pre_key()
    session, plaintext = accounts[c["account"]].create_inbound_session(
        v.Curve25519PublicKey.from_base64(c["sender_key"]), pre_key
    )
    olm_sessions[c["session"]] = session
    return {"session_id": session.session_id, "plaintext": plaintext.decode()}


def olm_encrypt(c):
    return olm_reply(olm_sessions[c["session"]].encrypt(c["plaintext"].encode()))


def olm_decrypt(c):
    return {"plaintext": olm_sessions[c["session"]].decrypt(olm_message(c)).decode()}


def olm_matches(c):
    return {"matches": olm_sessions[c["session"]].session_matches(olm_message(c).to_pre_key())}


def megolm_new(c):
    session = group_sessions[c["session"]] = v.GroupSession()
    return {"session_id": session.session_id, "session_key": session.session_key.to_base64()}


def megolm_session_key(c):
    session = group_sessions[c["session"]]
    return {"session_key": session.session_key.to_base64(), "index": session.message_index}


def megolm_encrypt(c):
    message = group_sessions[c["session"]].encrypt(c["plaintext"].encode())
    return {"ciphertext": message.to_base64(), "index": message.message_index()}


def megolm_inbound(c):
    if "session_key" in c:
        session = v.InboundGroupSession(v.SessionKey(c["session_key"]))
    else:
        session = v.InboundGroupSession.import_session(v.ExportedSessionKey(c["exported_key"]))
    inbound_group_sessions[c["session"]] = session
    return {"session_id": session.session_id, "first_known_index": session.first_known_index}


def megolm_decrypt(c):
    decrypted = inbound_group_sessions[c["session"]].decrypt(v.MegolmMessage.from_base64(c["ciphertext"]))
    return {"plaintext": decrypted.plaintext.decode(), "index": decrypted.message_index}


def megolm_export(c):
    exported = inbound_group_sessions[c["session"]].export_at(c["index"])
    return {"exported_key": exported.to_base64() if exported else None}


COMMANDS = {
    function.__name__: function
    for function in [
        account_new, account_one_time_keys, account_fallback_key, account_sign, verify,
        olm_outbound, olm_inbound, olm_encrypt, olm_decrypt, olm_matches,
        megolm_new, megolm_session_key, megolm_encrypt, megolm_inbound, megolm_decrypt, megolm_export,
    ]
}


def main():
    for line in sys.stdin:
        command = json.loads(line)
        try:
            answer = {"ok": True, **COMMANDS[command["cmd"]](command)}
        except Exception as error:  # every failure goes back to the test as data
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
