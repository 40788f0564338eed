"""LTI 1.3 Proctoring Services, platform side (docs/lti.rst).

Built on PyJWT (with `cryptography`) for signing, verification and key sets, which the package already
requires; importing this package never needs the optional ``lti`` extra.
"""
