"""
Verification codes: random, from an alphabet without look-alikes, grouped, with a check character.

The alphabet drops 0/O, 1/I/L and U (read aloud as "you"); the check character uses the Luhn mod-N
algorithm, which catches every single mistyped character and most swaps of neighbours before any lookup.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
DATA_LENGTH = 12
GROUP = 4


def check_character(data: str) -> str:
    base = len(ALPHABET)
    factor, total = 2, 0
    for char in reversed(data):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // base + addend % base
    return ALPHABET[(base - total % base) % base]


def new_code() -> str:
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return format_code(data + check_character(data))


def format_code(raw: str) -> str:
    groups = [raw[i : i + GROUP] for i in range(0, DATA_LENGTH, GROUP)]
    return "-".join([*groups, raw[DATA_LENGTH:]])


def normalize(text: str) -> str:
    """Uppercase and drop separators people type: 'abcd efgh-jkmn p' -> 'ABCDEFGHJKMNP'."""
    return "".join(ch for ch in text.upper() if ch not in " -_.")


def is_well_formed(text: str) -> bool:
    raw = normalize(text)
    if len(raw) != DATA_LENGTH + 1 or any(ch not in ALPHABET for ch in raw):
        return False
    return check_character(raw[:DATA_LENGTH]) == raw[DATA_LENGTH]
