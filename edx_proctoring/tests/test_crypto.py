"""Video-URL encryption helpers (AES-CBC, key-derived iv, PKCS#7, URL-safe base64)."""

import base64
import hashlib

import pytest
from Crypto.Cipher import AES

from edx_proctoring import crypto

HEX_KEY = "B886E0ACE9E5EE8E1AD15FDFB2187F4C"
KEY = bytes.fromhex(HEX_KEY)
VIDEO_URL = "https://psi.example.com/Review/DirectLink-Generic?id=ab12&sig=%2F+x"


def _reference_iv(key):
    # Written out from the description: md5 hex of the key, appended as ASCII to the key, md5 hex again,
    # first 16 characters as ASCII bytes.
    inner = hashlib.md5(key).hexdigest()
    return hashlib.md5(key + inner.encode("ascii")).hexdigest()[:16].encode("ascii")


def _reference_encrypt(data, key):
    # An independent implementation with pycryptodome and hand-written PKCS#7.
    count = 16 - len(data) % 16
    padded = data + bytes([count]) * count
    return base64.urlsafe_b64encode(AES.new(key, AES.MODE_CBC, iv=_reference_iv(key)).encrypt(padded))


def test_given_a_key_when_generating_the_iv_then_it_is_the_md5_derived_ascii_prefix():
    iv = crypto.generate_aes_iv(KEY)

    assert iv == _reference_iv(KEY)
    assert len(iv) == 16
    assert iv.decode("ascii") == iv.decode("ascii").lower()  # hex characters only


@pytest.mark.parametrize("length", [0, 1, 15, 16, 17, 31, 32])
def test_given_data_of_any_length_when_padding_then_a_whole_block_count_of_pkcs7_bytes_is_added(length):
    data = b"x" * length

    padded = crypto.pad(data)

    count = 16 - length % 16
    assert padded == data + bytes([count]) * count
    assert crypto.unpad(padded) == data


def test_given_damaged_padding_when_unpadding_then_value_error():
    with pytest.raises(ValueError):
        crypto.unpad(b"y" * 15 + b"\x00")


def test_given_a_url_when_encrypting_then_matches_an_independent_pycryptodome_implementation():
    data = VIDEO_URL.encode("utf-8")

    encoded = crypto.encrypt_and_encode(data, KEY)

    assert encoded == _reference_encrypt(data, KEY)
    assert isinstance(encoded, bytes)
    assert b"+" not in encoded and b"/" not in encoded


@pytest.mark.parametrize("hex_key", [HEX_KEY, "00" * 24, "0123456789abcdef" * 4])
def test_given_aes_128_192_256_keys_when_round_tripping_then_the_data_comes_back(hex_key):
    key = bytes.fromhex(hex_key)
    data = "Vidéo ☃ link".encode()

    encoded = crypto.encrypt_and_encode(data, key)

    assert crypto.decode_and_decrypt(encoded, key) == data
    assert crypto.decode_and_decrypt(encoded.decode("ascii"), key) == data
    assert encoded == _reference_encrypt(data, key)


def test_given_raw_helpers_when_encrypting_then_the_ciphertext_is_unencoded_and_block_aligned():
    ciphertext = crypto.aes_encrypt(b"abc", KEY)

    assert len(ciphertext) == 16
    assert crypto.aes_decrypt(ciphertext, KEY) == b"abc"
    assert base64.urlsafe_b64encode(ciphertext) == crypto.encrypt_and_encode(b"abc", KEY)


def test_given_the_wrong_key_when_decrypting_then_value_error():
    encoded = crypto.encrypt_and_encode(VIDEO_URL.encode(), KEY)

    with pytest.raises(ValueError):
        crypto.decode_and_decrypt(encoded, bytes.fromhex("11" * 16))


@pytest.mark.parametrize("garbage", [b"not base64 at all!!", b"", base64.urlsafe_b64encode(b"short")])
def test_given_garbage_when_decrypting_then_value_error(garbage):
    with pytest.raises(ValueError):
        crypto.decode_and_decrypt(garbage, KEY)
