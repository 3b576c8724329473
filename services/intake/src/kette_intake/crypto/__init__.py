"""Personal data at rest: a data key per participant, wrapped by the key-encryption key."""

from kette_intake.crypto.blind_index import BlindIndex
from kette_intake.crypto.sealing import PersonalDataSealer, SealedData

__all__ = ["BlindIndex", "PersonalDataSealer", "SealedData"]
