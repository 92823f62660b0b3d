"""Voice notes read as typed text: the audio is downloaded through the Graph API (held in
memory only), transcribed by the LLM provider's `audio/transcriptions` endpoint, and the
turn goes on with the transcript as the customer's text."""

from __future__ import annotations

import logging

from django.conf import settings

from connectors.llm.client import LLMUnavailable, transcription_configured, transcription_create
from wa_client.client import GraphClient
from wa_client.errors import GraphAPIError

logger = logging.getLogger(__name__)

# The file name tells the transcription endpoint the container (it reads no MIME type).
_EXTENSIONS = {
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "m4a",
    "audio/x-m4a": "m4a",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/webm": "webm",
    "audio/amr": "amr",
}


class VoiceUnreadable(Exception):
    """The voice note could not be downloaded or transcribed (the reason is the message)."""


def voice_transcription_enabled() -> bool:
    """Whether voice notes are transcribed: a transcription model is configured and the
    Graph API can be reached (a bearer token; the console demo has none)."""
    return bool(settings.WA_BEARER_TOKEN) and transcription_configured()


def voice_filename(mime_type: str) -> str:
    base = mime_type.split(";", 1)[0].strip().lower()
    return f"voice.{_EXTENSIONS.get(base, 'ogg')}"


def voice_transcribe(*, media_id: str, mime_type: str, language: str) -> str:
    """The text of the voice note `media_id`, transcribed with the customer's language as
    the hint. Raises VoiceUnreadable when the download or the transcription fails."""
    try:
        media = GraphClient().media_download(media_id=media_id)
    except GraphAPIError as exc:
        logger.warning("voice note %s not downloaded: %s", media_id, exc)
        raise VoiceUnreadable(str(exc)) from exc
    mime = mime_type or media.mime_type
    try:
        return transcription_create(
            audio=media.content, filename=voice_filename(mime), mime_type=mime, language=language
        )
    except LLMUnavailable as exc:
        logger.warning("voice note %s not transcribed: %s", media_id, exc)
        raise VoiceUnreadable(str(exc)) from exc
