"""AES-CBC helpers that protect review video URLs at rest.

A review video link is stored encrypted with the backend's hex key (``video_review_aes_key``) and only
decrypted when course staff ask for the instructor URL. The scheme is fixed by the stored data:

* key: the raw bytes of the hex key (16, 24 or 32 bytes -> AES-128/192/256);
* iv: derived from the key, so no iv is stored next to the ciphertext: the first 16 characters of
  ``md5hex(key + md5hex(key))`` (the inner digest taken as its ASCII hex text), as ASCII bytes;
* PKCS#7 padding to the 16-byte AES block;
* URL-safe base64 around the ciphertext.
"""

import base64
import hashlib

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_BLOCK_BITS = 128
IV_LENGTH = 16


def _as_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def generate_aes_iv(key):
    """The 16-byte iv that goes with `key` (bytes)."""
    key = _as_bytes(key)
    inner_digest = hashlib.md5(key, usedforsecurity=False).hexdigest().encode("ascii")
    outer_digest = hashlib.md5(key + inner_digest, usedforsecurity=False).hexdigest()
    return outer_digest[:IV_LENGTH].encode("ascii")


def pad(data):
    """PKCS#7-pad `data` to a whole number of AES blocks (always adds 1..16 bytes)."""
    padder = padding.PKCS7(AES_BLOCK_BITS).padder()
    return padder.update(_as_bytes(data)) + padder.finalize()


def unpad(padded_data):
    """Strip PKCS#7 padding; raises ValueError when the padding is not valid."""
    unpadder = padding.PKCS7(AES_BLOCK_BITS).unpadder()
    return unpadder.update(_as_bytes(padded_data)) + unpadder.finalize()


def _cipher(key):
    key = _as_bytes(key)
    return Cipher(algorithms.AES(key), modes.CBC(generate_aes_iv(key)))


def aes_encrypt(data, key):
    """Pad and AES-CBC-encrypt `data` (bytes or str) with `key` (bytes); returns the raw ciphertext."""
    encryptor = _cipher(key).encryptor()
    return encryptor.update(pad(data)) + encryptor.finalize()


def aes_decrypt(encrypted_data, key):
    """Inverse of :func:`aes_encrypt`; raises ValueError on a wrong key or damaged ciphertext."""
    encrypted_data = _as_bytes(encrypted_data)
    if not encrypted_data or len(encrypted_data) % IV_LENGTH:
        raise ValueError("AES ciphertext must be a non-empty multiple of 16 bytes.")
    decryptor = _cipher(key).decryptor()
    return unpad(decryptor.update(encrypted_data) + decryptor.finalize())


def encrypt_and_encode(data, key):
    """Encrypt `data` with `key` and wrap it in URL-safe base64 (bytes out)."""
    return base64.urlsafe_b64encode(aes_encrypt(data, key))


def decode_and_decrypt(encoded_data, key):
    """Inverse of :func:`encrypt_and_encode`; accepts the base64 text as str or bytes, returns bytes."""
    return aes_decrypt(base64.urlsafe_b64decode(_as_bytes(encoded_data)), key)
