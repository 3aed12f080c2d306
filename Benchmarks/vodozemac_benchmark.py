"""The same operations as MatrixCryptoBenchmark, timed in vodozemac's Python binding.

Prints `name microseconds-per-operation` lines. The binding's own call overhead is included,
as it is for anyone using vodozemac from Python.
"""
import sys
import time

import vodozemac as v

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
PLAINTEXT = b"a" * 200


WARM_UP = min(COUNT, 100)


def measure(name, body):
    """Runs body COUNT times after a warm-up; body gets a running number, as in the Swift one."""
    for index in range(WARM_UP):
        body(index)
    start = time.perf_counter()
    for index in range(WARM_UP, WARM_UP + COUNT):
        body(index)
    print(name, f"{(time.perf_counter() - start) / COUNT * 1e6:.1f}")


outbound = v.GroupSession()
first_session_key = outbound.session_key
inbound = v.InboundGroupSession(first_session_key)
group_messages = []
measure("megolm_encrypt_200B", lambda _: group_messages.append(outbound.encrypt(PLAINTEXT)))
measure("megolm_decrypt_200B", lambda index: inbound.decrypt(group_messages[index]))
measure("megolm_new_session_decrypt", lambda index: v.InboundGroupSession(first_session_key).decrypt(group_messages[index]))

bob = v.Account()
bob.generate_fallback_key()
fallback_key = next(iter(bob.fallback_key.values()))
alice = v.Account()
starters = []
measure("olm_create_outbound", lambda _: starters.append(alice.create_outbound_session(bob.curve25519_key, fallback_key)))
pre_keys = [session.encrypt(PLAINTEXT).to_pre_key() for session in starters]
answered = []
measure("olm_create_inbound", lambda index: answered.append(bob.create_inbound_session(alice.curve25519_key, pre_keys[index])[0]))

sender, receiver = starters[0], answered[0]
sender.decrypt(receiver.encrypt(b"0"))
olm_messages = []
measure("olm_encrypt_200B", lambda _: olm_messages.append(sender.encrypt(PLAINTEXT)))
measure("olm_decrypt_200B", lambda index: receiver.decrypt(olm_messages[index]))
