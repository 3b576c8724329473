"""What the rights endpoints return: the whole record of a person, and an erasure receipt."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from kette_core.contracts.participants import ErasureGround
from kette_intake.participants.change_schemas import ChangeView, ConsentView
from kette_intake.participants.schemas import ParticipantStatus, PersonalData, Profile
from kette_intake.rights.chain_record import ChainRecord

PURPOSES = (
    "Begleitung in Sprache, Schule, Ausbildung und Arbeit (Integrationskette) durch das "
    "Kommunale Integrationszentrum",
    "Vermittlung an Träger von Angeboten, nur mit Einwilligung",
    "Nachweis der Förderung gegenüber dem Land, nur in pseudonymer oder anonymer Form",
)
RECIPIENTS = (
    "Träger der Angebote, an die vermittelt wird: Kontaktdaten nur bei erteilter Einwilligung",
    "Land NRW: nur zusammengefasste Zahlen ohne Personenbezug",
)
RETENTION = (
    "Personenbezogene Daten bis zur Löschung auf Antrag oder bis zum Ende der Aufbewahrung "
    "der Förderunterlagen (5 Jahre); pseudonyme Fakten zur Kette bleiben für die Statistik."
)
SOURCE = "Erhoben im Gespräch mit der Person durch die Teilhabemanagerin oder den -manager."


class RecordFacts(BaseModel):
    """The pseudonymous frame of the record: who registered the person, where and when."""

    status: ParticipantStatus
    ki_id: str
    kommune: str
    programme_id: str
    registered_on: date
    registered_by: str


class DataExport(BaseModel):
    """Everything intake holds on one person (Art. 15 DSGVO), with the information owed."""

    participant_id: str
    generated_at: datetime
    record: RecordFacts
    personal: PersonalData
    profile: Profile
    consents: list[ConsentView]
    changes: list[ChangeView]
    chain: ChainRecord = Field(default_factory=ChainRecord)
    purposes: list[str] = Field(default_factory=lambda: list(PURPOSES))
    recipients: list[str] = Field(default_factory=lambda: list(RECIPIENTS))
    retention: str = RETENTION
    source: str = SOURCE


class ErasureRequest(BaseModel):
    """Why the person's data is erased."""

    model_config = ConfigDict(extra="forbid")

    ground: ErasureGround = ErasureGround.DATA_SUBJECT_REQUEST


class ErasureReceipt(BaseModel):
    """What was done: the key is destroyed, the chain closes, the facts stay pseudonymous."""

    participant_id: str
    erased_on: date
    ground: ErasureGround
    erased_by: str
    erased_at: datetime
